"""The generated gazetteer layer: rebuilt by its script, with provenance, and the curated core
wins wherever the two meet."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from rdflib import DCTERMS, RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.ontology import (
    DEFAULT_BASE,
    KG,
    common_words,
    gazetteer_from,
    label_form,
    load_gazetteer,
    ontology_dir,
    read_layer,
    with_layer,
)

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("gazetteer_script", ROOT / "scripts/gazetteer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def core():
    return load_gazetteer(layer=False)


@pytest.fixture(scope="module")
def rows():
    return read_layer()["entities"]


def test_committed_layer_is_what_the_script_builds(capsys):
    assert _script().main(["build", "--check"]) == 0, capsys.readouterr().err


def test_every_generated_entity_names_its_source(rows):
    sources = {row["key"]: row.get("source") for row in rows if "label" in row}
    assert sources
    assert all(value for value in sources.values())


def test_the_turtle_of_each_source_says_what_the_index_says(rows):
    # The Turtle files are for people and SPARQL, the index for the loader: they must agree.
    graph = Graph()
    for path in sorted((ROOT / "ontology" / "generated").glob("*.ttl")):
        if path.name != "universities.ttl":  # not in the index: passed with --gazetteer
            graph.parse(path, format="turtle")
    for row in rows:
        subject = URIRef(DEFAULT_BASE + row["key"])
        labels = {str(o) for o in graph.objects(subject, SKOS.prefLabel | SKOS.altLabel)}
        assert labels == set(row["labels"]), row["key"]
        if "label" in row:
            assert set(map(str, graph.objects(subject, DCTERMS.source))) == set(row["source"])


def test_curated_entities_keep_their_class_labels_and_links(gazetteer, core):
    for key, entity in core.entities.items():
        grown = gazetteer.entities[key]
        assert (grown.kind, grown.label, grown.match_case) == (
            entity.kind,
            entity.label,
            entity.match_case,
        )
        assert set(entity.labels) <= set(grown.labels)
        subject = URIRef(DEFAULT_BASE + key)
        for predicate in (SKOS.broader, KG.vendor, KG.developer):
            assert set(gazetteer.graph.objects(subject, predicate)) == set(
                core.graph.objects(subject, predicate)
            )


def test_no_generated_label_is_a_curated_label_of_another_entity(gazetteer, core):
    curated = {label_form(label): key for key, e in core.entities.items() for label in e.labels}
    for key, entity in gazetteer.entities.items():
        added = set(entity.labels) - set(core.entities[key].labels if key in core.entities else ())
        for label in added:
            assert curated.get(label_form(label), key) == key, (key, label)


def test_no_label_is_on_two_generated_entities(gazetteer):
    owners: dict[str, str] = {}
    for key, entity in gazetteer.entities.items():
        if entity.kind == "person":
            continue
        for label in entity.labels:
            assert owners.setdefault(label_form(label), key) == key, (key, label)


def test_every_common_word_among_generated_names_has_a_rule(gazetteer, rows):
    words = common_words()
    rules = {r["name"].casefold(): r["rule"] for r in _script().read_rules().values()}
    for row in rows:
        entity = gazetteer.entities[row["key"]]
        for label in row["labels"]:
            if label.casefold() in words:
                assert label.casefold() in rules, (row["key"], label)
                rule = rules[label.casefold()]
                assert rule != "drop", (row["key"], label)
                assert ("matchCase" in rule) <= entity.match_case, (row["key"], label)
                assert ("context" in rule) <= bool(entity.context), (row["key"], label)


# Ambiguous short names and the rule each follows. "curated": the curated core decides;
# "dropped": no entity has the name; otherwise the entity's matchCase and context words.
AMBIGUOUS = [
    # The curated core decides.
    ("Triton", "software/triton-inference-server", "matchCase"),
    ("Dynamo", "software/dynamo", "matchCase"),
    ("Spark", "software/apache-spark", "matchCase"),
    ("Harbor", "software/harbor", "matchCase"),
    ("Docker", "software/docker", "matchCase"),
    # Dropped: the everyday word, or another entity, comes first.
    ("Ray", None, "dropped: plain Ray is not linked (Ray libraries are)"),
    ("Python", None, "dropped: programming languages are not tracked"),
    ("Vector", None, "dropped"),
    ("Scale", None, "dropped"),
    ("Coder", None, "dropped"),
    ("Google Cloud", None, "dropped: a division of Google"),
    ("Arc", None, "not in any source"),
    ("Phi", "model/phi", "matchCase+context"),
    ("OPT", "model/opt", "matchCase+context"),
    ("BERT", "model/bert", "matchCase: a model (transformers), no longer LF AI software"),
    ("CLIP", "model/clip", "matchCase"),
    ("Whisper", "model/whisper", "matchCase+context"),
    ("Granite", "model/granite", "matchCase+context"),
    ("MatCha", "model/matcha", "matchCase: matcha is a tea"),
    # Inner capitals alone do not ask for the case: talks write "LLaVA" and "Colpali".
    ("LLaVa", "model/llava", "any case"),
    ("ColPali", "model/colpali", "any case"),
    ("DiT", "model/dit", "matchCase: three letters"),
    ("GIT", None, "dropped: Git first"),
    # Organizations whose names are words: the curated core or the catalogue's rules decide.
    ("Meta", "organization/meta", "matchCase"),
    ("Apple", "organization/apple", "matchCase"),
    ("Amazon", "organization/amazon", "matchCase"),
    ("Oracle", "organization/oracle", "matchCase"),
    ("Snowflake", "organization/snowflake", "matchCase+context"),
    ("Tesla", "organization/tesla", "matchCase+context"),
    ("Honor", "organization/honor", "matchCase+context"),
    ("Lambda", "organization/lambda", "matchCase+context"),
    ("Stripe", "organization/stripe", "matchCase+context"),
    # Software whose names are words: the software catalogue's rules.
    ("Bedrock", "software/amazon-bedrock", "matchCase+context"),
    ("Accelerate", "software/accelerate", "matchCase+context"),
    ("HIP", "software/hip", "matchCase+context"),
    ("Hive", "software/apache-hive", "matchCase+context"),
    ("RAPIDS", "software/rapids", "matchCase"),
    ("CuTe", None, "dropped: a word; CuTe DSL is the name"),
    # CUDA is software; in the technique "CUDA Graphs" it is a word of its own and stays (kg.extract).
    ("CUDA", "software/cuda", "matchCase"),
    ("ROS", "software/ros", "matchCase: a word in other languages"),
    ("RAG", "technique/retrieval-augmented-generation", "matchCase: a technique, also a word"),
    ("LED", None, "dropped"),
    # Generated, with rules from sources/ambiguous.tsv or the hardware catalogue.
    ("Volcano", "software/volcano", "matchCase+context"),
    ("Helm", "software/helm", "matchCase+context"),
    ("Envoy", "software/envoy", "matchCase+context"),
    ("Flux", "software/flux", "matchCase+context"),
    ("Backstage", "software/backstage", "matchCase+context"),
    ("Jenkins", "software/jenkins", "matchCase+context: a surname too"),
    ("Vault", "software/vault", "matchCase+context"),
    ("Elastic", None, "dropped: an adjective too (matchCase+context once context words match)"),
    ("KAITO", "software/kaito", "matchCase"),
    ("Gemini", "model/gemini", "matchCase"),
    ("Gemma", "model/gemma", "matchCase"),
    ("Microsoft", "organization/microsoft", "matchCase"),
    ("L4", "hardware/l4", "matchCase+context"),
    ("T4", "hardware/t4", "matchCase+context"),
    ("Hopper", "hardware/nvidia-hopper", "matchCase+context"),
    ("Blackwell", "hardware/nvidia-blackwell", "matchCase+context"),
    ("Ascend", "hardware/huawei-ascend", "matchCase+context"),
    ("Trillium", "hardware/tpu-v6e", "matchCase+context"),
    ("H20", "hardware/h20", "matchCase"),
    # The catalogues of AI applications, developer software, models and processors.
    ("Claude", "model/claude", "matchCase"),
    ("PaLM", "model/palm", "matchCase"),
    ("Bard", "model/bard", "matchCase+context"),
    ("Falcon", "model/falcon", "matchCase+context"),
    ("Yi", "model/yi", "matchCase+context"),
    ("Wan", "model/wan", "matchCase+context"),
    ("Arctic", "model/arctic", "matchCase+context"),
    ("GloVe", "model/glove", "matchCase"),
    ("React", "software/react", "matchCase+context"),
    ("Windows", "software/microsoft-windows", "matchCase+context"),
    ("Tempo", "software/grafana-tempo", "matchCase+context"),
    ("Mojo", "software/mojo", "matchCase+context"),
    ("Cody", "software/sourcegraph-cody", "matchCase+context"),
    ("Amp", None, "dropped: a word; Sourcegraph Amp is the name"),
    ("Go", None, "not in any source: a language, and a verb"),
    ("Modular", "organization/modular", "matchCase+context"),
    ("Frontier", "hardware/frontier", "matchCase+context"),
    ("Aurora", "hardware/aurora", "matchCase+context"),
    ("JUPITER", "hardware/jupiter", "matchCase+context"),
    ("Coral", "hardware/google-coral", "matchCase+context"),
    ("Mac", "hardware/mac", "matchCase+context"),
    ("iPhone", "hardware/iphone", "matchCase"),
    ("SHARP", None, "dropped: NVLink SHARP is the name"),
]


@pytest.mark.parametrize(("name", "key", "rule"), AMBIGUOUS)
def test_ambiguous_names_follow_their_rule(gazetteer, name, key, rule):
    owners = [
        e for e in gazetteer.entities.values() if label_form(name) in map(label_form, e.labels)
    ]
    if key is None:
        assert owners == [], rule
        return
    assert [e.key for e in owners] == [key]
    entity = owners[0]
    assert entity.match_case == ("matchCase" in rule)
    assert bool(entity.context) == ("context" in rule)


CORE = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <https://example.org/kg/id/organization/> .
@prefix hw: <https://example.org/kg/id/hardware/> .
org:acme a kg:Organization ; skos:prefLabel "Acme"@en .
hw:gpu a kg:Hardware ; skos:prefLabel "GPU"@en .
"""


def _merged(*rows):
    return with_layer(
        gazetteer_from(Graph().parse(data=CORE, format="turtle")), {"entities": list(rows)}
    )


def _row(key, kind, label, *others, **more):
    names = [label, *others]
    return {
        "key": key,
        "kind": kind,
        "label": label,
        "labels": names,
        "prefLabels": [label],
        "source": ["https://example.org/source"],
        **more,
    }


def test_a_generated_entity_named_like_a_curated_one_is_left_out():
    merged = _merged(_row("software/acme", "software", "Acme", "Acme DB"))
    assert "software/acme" not in merged.entities
    assert merged.entities["organization/acme"].labels == ("Acme",)


def test_a_generated_alias_that_is_a_curated_label_is_left_off():
    merged = _merged(_row("hardware/h100", "hardware", "H100", "GPU", broader=["hardware/gpu"]))
    assert merged.entities["hardware/h100"].labels == ("H100",)
    assert merged.entities["hardware/gpu"].labels == ("GPU",)


def test_a_curated_iri_only_gains_names_and_only_of_its_own_class():
    merged = _merged(
        {"key": "organization/acme", "kind": "organization", "labels": ["Acme Inc."]},
        {"key": "hardware/gpu", "kind": "software", "labels": ["GPU Toolkit"]},
    )
    assert merged.entities["organization/acme"].labels == ("Acme", "Acme Inc.")
    assert merged.entities["hardware/gpu"].kind == "hardware"
    assert merged.entities["hardware/gpu"].labels == ("GPU",)


def test_links_to_entities_that_are_not_there_are_left_off():
    merged = _merged(
        _row("hardware/h100", "hardware", "H100", broader=["hardware/gpu", "hardware/hopper"])
    )
    subject = URIRef(DEFAULT_BASE + "hardware/h100")
    assert set(merged.graph.objects(subject, SKOS.broader)) == {
        URIRef(DEFAULT_BASE + "hardware/gpu")
    }


def test_a_graph_rebuilt_from_the_merged_one_keeps_the_generated_entities():
    # Speakers are added by rebuilding the gazetteer from its graph: nothing generated is lost.
    merged = _merged(
        _row("hardware/l4", "hardware", "L4", "NVIDIA L4", matchCase=True, context=["GPU"])
    )
    rebuilt = gazetteer_from(merged.graph)
    assert rebuilt.entities == merged.entities


def test_a_build_exports_the_generated_entities_it_links_and_no_others(tmp_path):
    table = tmp_path / "talks.md"
    table.write_text(
        "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
        "| Infra | Serving on H100 GPUs | We compare H100 and MI300X nodes. |\n",
        encoding="utf-8",
    )
    from kg.pipeline import build

    build([table], tmp_path / "out", event="Test Summit 2025")
    graph = Graph().parse(tmp_path / "out" / "talks.ttl", format="turtle")
    h100 = URIRef(DEFAULT_BASE + "hardware/h100")
    assert (h100, RDF.type, KG.Hardware) in graph
    assert (h100, SKOS.broader, URIRef(DEFAULT_BASE + "hardware/nvidia-hopper")) in graph
    assert (
        URIRef(DEFAULT_BASE + "hardware/mi300x"),
        SKOS.prefLabel,
        Literal("MI300X", lang="en"),
    ) in graph
    assert (URIRef(DEFAULT_BASE + "hardware/a100"), None, None) not in graph


def test_the_index_is_in_the_shipped_ontology():
    assert (ontology_dir() / "generated" / "layer.json").is_file()
    assert json.loads((ontology_dir() / "generated" / "layer.json").read_text())["format"] == 1


def test_the_university_list_is_a_gazetteer_to_pass_with_its_chinese_names():
    # Not loaded by default (1,500 names few tables need); as an extra file it passes the
    # checks of curated files and adds the universities.
    path = ROOT / "ontology" / "generated" / "universities.ttl"
    gazetteer = load_gazetteer((path,))
    tsinghua = gazetteer.entities["organization/tsinghua-university"]
    assert tsinghua.labels == ("Tsinghua University", "清华大学")
    assert "organization/tsinghua-university" not in load_gazetteer().entities


@pytest.mark.parametrize(
    ("rule", "kept", "match_case", "context"),
    [
        (None, None, None, None),  # no rule: the build stops
        ({"rule": "drop", "context": ""}, False, None, None),
        ({"rule": "matchCase", "context": ""}, True, True, ()),
        (
            {"rule": "matchCase+context", "context": "stock | shares"},
            True,
            True,
            ("shares", "stock"),
        ),
        ({"rule": "keep", "context": ""}, True, False, ()),
    ],
)
def test_a_source_name_that_is_a_common_word_needs_a_rule(rule, kept, match_case, context):
    script = _script()
    entries = {"cncf": [script.Entry(key="software/market", kind="software", label="Market")]}
    rules = {"market": {"name": "Market", **rule}} if rule else {}
    if rule is None:
        with pytest.raises(script.Undecided, match="Market"):
            script.build_layer(entries, script.Curated({}, {}), frozenset({"market"}), rules)
        return
    entities, _ = script.build_layer(entries, script.Curated({}, {}), frozenset({"market"}), rules)
    assert ("software/market" in entities) == kept
    if kept:
        entry = entities["software/market"]
        assert (entry.match_case, tuple(entry.context)) == (match_case, context)


def test_transformers_models_are_whole_models_with_their_families(gazetteer):
    entities = gazetteer.entities
    assert entities["model/vit"].kind == "model"
    parents = {
        key: {
            str(o)[len(DEFAULT_BASE) :]
            for o in gazetteer.graph.objects(URIRef(DEFAULT_BASE + key), SKOS.broader)
        }
        for key in ("model/vitmae", "model/bertweet", "model/gpt-neox", "model/xlm-roberta-xl")
    }
    assert parents == {
        "model/vitmae": {"model/vit"},
        "model/bertweet": set(),  # not a BERT: "weet" goes on the word
        "model/gpt-neox": set(),  # not a GPT Neo
        "model/xlm-roberta-xl": {"model/xlm-roberta"},
    }
    # Parts of a model and class names are no models; a family and a version ("Llama2") is
    # left to the extractor, which makes "Llama 2" from Llama.
    for key in ("model/clipvisionmodel", "model/gemma3forcausallm", "model/llama2", "model/gemma2"):
        assert key not in entities
    turtle = Graph().parse(ROOT / "ontology" / "generated" / "transformers.ttl", format="turtle")
    sources = set(turtle.objects(URIRef(DEFAULT_BASE + "model/vit"), DCTERMS.source))
    assert sources == {URIRef("https://pypi.org/project/transformers/5.5.4/")}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fine-tuning ViT and BERT", ["model/bert", "model/vit"]),
        ("We vit and bert here", []),  # matchCase: the display form only
        ("Llama 2 7B on H100", ["model/llama-2-7b"]),
        ("GPT-NeoX at scale", ["model/gpt-neox"]),
    ],
)
def test_transformers_names_link_as_written(tmp_path, name, expected):
    from kg.pipeline import build

    table = tmp_path / "talks.md"
    table.write_text(
        f"| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n| Models | {name} | - |\n",
        encoding="utf-8",
    )
    build([table], tmp_path / "out", event="Test Summit 2025", html=False)
    graph = Graph().parse(tmp_path / "out" / "talks.ttl", format="turtle")
    linked = sorted(str(o)[len(DEFAULT_BASE) :] for o in graph.objects(None, KG.mentionsModel))
    assert linked == expected


def test_the_transformers_extract_reads_the_mapping_without_importing_it(tmp_path, monkeypatch):
    import zipfile

    script = _script()
    wheel = tmp_path / "transformers-0-py3-none-any.whl"
    source = (
        "import missing_module\n"
        "MODEL_NAMES_MAPPING = OrderedDict[str, str](\n"
        '    [("bert", "BERT"), ("vit", "ViT"), ("gpt_neo", "GPT  Neo")]\n)\n'
    )
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("transformers/models/auto/configuration_auto.py", source)
    monkeypatch.setattr(script, "SOURCES", tmp_path)
    script.extract_transformers(wheel)
    assert (tmp_path / "transformers-models.tsv").read_text(encoding="utf-8") == (
        "model_type\tname\nbert\tBERT\nvit\tViT\ngpt_neo\tGPT Neo\n"
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("微软", "organization/microsoft"),
        ("谷歌", "organization/google"),
        ("英伟达", "organization/nvidia"),
        ("Facebook", "organization/meta"),
        ("Hugging Face", "organization/hugging-face"),
        ("HuggingFace", "organization/hugging-face"),
        ("阿里巴巴", "organization/alibaba"),
        ("Google DeepMind", "organization/google-deepmind"),
        ("DeepMind", "organization/google-deepmind"),
        ("腾讯", "organization/tencent"),
        ("月之暗面", "organization/moonshot-ai"),
        ("Databricks Inc.", "organization/databricks"),  # the CNCF member, merged
    ],
)
def test_the_organization_catalogue_names_companies_in_english_and_chinese(gazetteer, name, key):
    owners = [
        e.key for e in gazetteer.entities.values() if label_form(name) in map(label_form, e.labels)
    ]
    assert owners == [key]


def test_an_organization_points_to_its_parent_and_every_parent_is_there(gazetteer):
    script = _script()
    for entry in script.organizations():
        for parent in entry.broader:
            assert parent in gazetteer.entities, (entry.label, parent)
    deepmind = URIRef(DEFAULT_BASE + "organization/google-deepmind")
    assert set(gazetteer.graph.objects(deepmind, SKOS.broader)) == {
        URIRef(DEFAULT_BASE + "organization/google")
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来自微软和阿里巴巴的工程师", ["organization/alibaba", "organization/microsoft"]),
        ("Scaling LLM training at Hugging Face", ["organization/hugging-face"]),
        ("The AI浪潮 and 联想到 the future", []),  # everyday Chinese words are no companies
        ("Tesla V100 GPUs", []),  # Tesla the car maker only with its context words
    ],
)
def test_organizations_link_in_talks(tmp_path, text, expected):
    from kg.pipeline import build

    table = tmp_path / "talks.md"
    table.write_text(
        f"| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n| Orgs | {text} | - |\n",
        encoding="utf-8",
    )
    build([table], tmp_path / "out", event="Test Summit 2025", html=False)
    graph = Graph().parse(tmp_path / "out" / "talks.ttl", format="turtle")
    linked = sorted(
        str(o)[len(DEFAULT_BASE) :] for o in graph.objects(None, KG.mentionsOrganization)
    )
    assert linked == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fused Triton kernels in TorchDynamo", ["software/openai-triton", "software/torchdynamo"]),
        ("NVIDIA NeMo Curator at scale", ["software/nemo-curator"]),  # not also NeMo
        ("用飞桨和昇思训练", ["software/mindspore", "software/paddlepaddle"]),
        ("Data on Amazon S3 with Accelerate", ["software/amazon-s3"]),  # no Hugging Face here
        # PyTorch landscape projects, archived ones too; "Hydra" needs a configuration word.
        (
            "Kornia, TorchIO and PyTorch3D for vision",
            ["software/kornia", "software/pytorch3d", "software/torchio"],
        ),
        ("Hydra configs: one YAML per run", ["software/hydra"]),
        ("Hydra, a monster of myth", []),
        (
            "Hugging Face Accelerate and the Hive metastore",
            ["software/accelerate", "software/apache-hive"],
        ),
    ],
)
def test_software_links_in_talks(tmp_path, text, expected):
    from kg.pipeline import build

    table = tmp_path / "talks.md"
    table.write_text(
        f"| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n| Software | {text} | - |\n",
        encoding="utf-8",
    )
    build([table], tmp_path / "out", event="Test Summit 2025", html=False)
    graph = Graph().parse(tmp_path / "out" / "talks.ttl", format="turtle")
    linked = sorted(str(o)[len(DEFAULT_BASE) :] for o in graph.objects(None, KG.mentionsSoftware))
    assert linked == expected


def test_the_software_catalogue_takes_no_name_from_a_landscape_member():
    # A member of a landscape is the company a speaker comes from ("A from X"): the software
    # catalogue must not turn its name into a product's, unless that landscape lists the product
    # too (a landscape's project wins over its member of the same name).
    script = _script()
    catalogue = {script.form(n) for entry in script.software() for n in entry.names()}
    taken = []
    for source in ("cncf", "lfai", "pytorch"):
        entries = script.landscape(source)
        projects = {script.form(n) for e in entries if e.kind == "software" for n in e.names()}
        taken += [
            name
            for e in entries
            if e.kind == "organization"
            for name in e.names()
            if script.form(name) in catalogue - projects
        ]
    assert taken == []


def test_a_landscape_project_is_software_when_it_names_its_repository(tmp_path, monkeypatch):
    # An archived project is still a project talks name; a product with neither a foundation
    # status nor a repository (a marketing name) is left out.
    script = _script()
    header = "category\tsubcategory\tname\tproject\thomepage\trepo\tcrunchbase"
    rows = [
        "Training\tGeneral\tQuillTorch\tarchived\thttps://q.example\thttps://github.com/q/q\tq",
        "Training\tGeneral\tOldBrand\tarchived\thttps://o.example\t\to",
        "Training\tGeneral\tShinyCloud\t\thttps://s.example\t\ts",
        "Training\tGeneral\tFoundryNet\tfoundation\thttps://f.example\t\tpytorch",
        "PyTorch Members\tGeneral\tQuill Labs\t\thttps://q.example\t\tq",
    ]
    (tmp_path / "test-landscape.tsv").write_text(
        "\n".join([header, *rows]) + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(script, "SOURCES", tmp_path)
    entries = {e.label: e for e in script.landscape("test")}
    assert sorted(entries) == ["FoundryNet", "Quill Labs", "QuillTorch"]
    assert entries["QuillTorch"].developer == ["organization/quill-labs"]
    assert entries["FoundryNet"].developer == []  # the foundation hosts it; it develops nothing


def test_the_technique_catalogue_links_its_techniques_and_leaves_words_alone(tmp_path):
    from kg.pipeline import build

    rows = [
        # Short forms in their case; "rag" is a word, "RAG" the technique.
        "RAG over a rag-tag corpus",
        # A version of a name and a curated technique's other spelling.
        "FSDP2 with tensor parallel training",
        # The catalogue's technique, not also its broader one (reinforcement learning).
        "GRPO for reasoning",
        # Chinese names.
        "检索增强生成与知识蒸馏",
        # CPU is named beside the technique it is a word of.
        "CPU offloading",
    ]
    table = tmp_path / "talks.md"
    table.write_text(
        "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
        + "".join(f"| Techniques | {row} | - |\n" for row in rows),
        encoding="utf-8",
    )
    build([table], tmp_path / "out", event="Test Summit 2025", html=False)
    graph = Graph().parse(tmp_path / "out" / "talks.ttl", format="turtle")
    linked = {}
    for talk, entity in graph.subject_objects(KG.mentionsTechnique):
        title = str(graph.value(talk, RDFS.label))
        linked.setdefault(title, set()).add(str(entity)[len(DEFAULT_BASE) :])
    hardware = {str(graph.value(t, RDFS.label)) for t in graph.subjects(KG.mentionsHardware)}
    assert linked == {
        rows[0]: {"technique/retrieval-augmented-generation"},
        rows[1]: {"technique/fully-sharded-data-parallel", "technique/tensor-parallelism"},
        rows[2]: {"technique/group-relative-policy-optimization"},
        rows[3]: {"technique/retrieval-augmented-generation", "technique/knowledge-distillation"},
        rows[4]: {"technique/offloading"},
    }
    assert hardware == {rows[4]}


def test_a_later_source_adds_no_case_variant_to_an_entity_that_matches_in_its_case():
    script = _script()
    first = script.Entry(key="software/zyx", kind="software", label="Zyx", match_case=True)
    again = script.Entry(key="software/zyx", kind="software", label="Zyx", alt=["zyx", "Zyx Lib"])
    entities, _ = script.build_layer(
        {"software": [first], "awesome-python": [again]}, script.Curated({}, {}), frozenset(), {}
    )
    entry = entities["software/zyx"]
    assert (entry.names(), entry.match_case) == (["Zyx", "Zyx Lib"], True)


def test_awesome_python_names_take_their_repository_case_and_everyday_words_stay_out(
    tmp_path, monkeypatch
):
    script = _script()
    (tmp_path / "awesome-python.tsv").write_text(
        "section\tgroup\tname\turl\n"
        "Testing\t\tzyxgbm\thttps://github.com/org/ZyxGBM\n"  # only the case differs
        "Testing\t\tzyx-whisper\thttps://github.com/org/whisper\n"  # another name: as listed
        "Testing\t\tgarden\thttps://github.com/org/garden\n"  # an everyday word, no rule
        "Testing\t\tqx\thttps://github.com/org/qx\n",  # short: its case only
        encoding="utf-8",
    )
    monkeypatch.setattr(script, "SOURCES", tmp_path)
    entries = {"awesome-python": script.awesome_python()}
    # Where another source would stop the build, this list's everyday word is left out.
    entities, counts = script.build_layer(
        entries, script.Curated({}, {}), frozenset({"garden"}), {}
    )
    assert {e.label: e.match_case for e in entities.values()} == {
        "ZyxGBM": False,
        "zyx-whisper": False,
        "qx": True,
    }
    assert counts["awesome-python"]["left out (ambiguous name)"] == 1
    with pytest.raises(script.Undecided, match="garden"):
        script.build_layer(
            {"cncf": entries["awesome-python"]}, script.Curated({}, {}), frozenset({"garden"}), {}
        )
