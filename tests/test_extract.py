"""The extractor: mixed Chinese/English matching, word boundaries, aliases, speakers and presenters."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import SKOS, Graph, URIRef

from kg.extract import build_nlp, extract, link, variants
from kg.ontology import Gazetteer, gazetteer_from
from kg.table import parse_table

GAZETTEER = """
@prefix kg:     <https://example.org/kg/vocab#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix org:    <https://example.org/kg/id/organization/> .
@prefix lib:    <https://example.org/kg/id/ray-library/> .
@prefix hw:     <https://example.org/kg/id/hardware/> .
@prefix sw:     <https://example.org/kg/id/software/> .
@prefix tech:   <https://example.org/kg/id/technique/> .
@prefix person: <https://example.org/kg/id/person/> .
org:anyscale a kg:Organization ; skos:prefLabel "Anyscale"@en ; skos:altLabel "Any Scale"@en .
org:zoox a kg:Organization ; skos:prefLabel "Zoox"@en ; skos:altLabel "Zuks"@en .
org:bytedance a kg:Organization ; skos:prefLabel "ByteDance"@en , "字节跳动"@zh ; skos:altLabel "Bance"@en .
org:nvidia a kg:Organization ; skos:prefLabel "NVIDIA"@en , "英伟达"@zh .
org:grab a kg:Organization ; skos:prefLabel "Grab"@en ; kg:matchCase true .
lib:ray-serve a kg:RayLibrary ; skos:prefLabel "Ray Serve"@en .
hw:tpu a kg:Hardware ; skos:prefLabel "TPU"@en .
hw:gb200 a kg:Hardware ; skos:prefLabel "GB200"@en .
hw:gb200-nvl72 a kg:Hardware ; skos:prefLabel "GB200 NVL72"@en ; skos:broader hw:gb200 .
tech:prefill-decode-disaggregation a kg:Technique ;
    skos:prefLabel "prefill-decode disaggregation"@en , "预填充与解码分离"@zh ; skos:altLabel "PD分离"@zh .
sw:anyscale-platform a kg:Software ; skos:prefLabel "Anyscale Platform"@en ;
    skos:altLabel "Anyscale平台"@zh .
person:ed-oakes a kg:Person ; skos:prefLabel "Ed Oakes"@en ; kg:affiliation org:anyscale .
"""


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))


@pytest.fixture(scope="module")
def nlp(gazetteer: Gazetteer):
    return build_nlp(gazetteer)


def table(title: str, summary: str) -> str:
    escaped = title.replace("|", "\\|")
    return f"| 分类 | 演讲内容 | 概要 |\n|---|---|---|\n| T | {escaped} | {summary} |\n"


def found(nlp, gazetteer, summary: str, title: str = "A talk | Ray Summit 2025") -> list[tuple]:
    talks = parse_table(table(title, summary), "t.md")
    return [(m.entity, m.text) for m in extract(nlp, gazetteer, talks) if m.field == "summary"]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # English glued to Chinese characters on either side.
        ("Anyscale公司的工程师", [("organization/anyscale", "Anyscale")]),
        ("自动驾驶公司Zuks在构建", [("organization/zoox", "Zuks")]),
        ("由Bance计算基础设施团队", [("organization/bytedance", "Bance")]),
        ("英伟达团队", [("organization/nvidia", "英伟达")]),
        # Case, width and spacing variants.
        ("用ray serve部署", [("ray-library/ray-serve", "ray serve")]),
        ("用RayServe部署", [("ray-library/ray-serve", "RayServe")]),
        ("用Ray-Serve部署", [("ray-library/ray-serve", "Ray-Serve")]),
        ("用ＲＡＹ　ＳＥＲＶＥ部署", [("ray-library/ray-serve", "ＲＡＹ　ＳＥＲＶＥ")]),
        ("用Ray  Serve部署", [("ray-library/ray-serve", "Ray  Serve")]),
        ("Any Scale公司", [("organization/anyscale", "Any Scale")]),
        # No match inside a longer Latin word.
        ("在Array中", []),
        ("多个TPUs上", []),
        ("TPU上", [("hardware/tpu", "TPU")]),
        ("Zooxy公司", []),
        # Chinese phrasings of a technique.
        ("采用PD分离架构", [("technique/prefill-decode-disaggregation", "PD分离")]),
        ("预填充与解码分离", [("technique/prefill-decode-disaggregation", "预填充与解码分离")]),
    ],
)
def test_matches_mixed_script_text(nlp, gazetteer, summary, expected):
    assert found(nlp, gazetteer, summary) == expected


def test_match_case_entities_need_their_case(nlp, gazetteer):
    assert found(nlp, gazetteer, "用户可以grab数据，Grab公司") == [("organization/grab", "Grab")]


def test_longest_match_wins_within_a_kind(nlp, gazetteer):
    assert found(nlp, gazetteer, "在GB200 NVL72上部署") == [("hardware/gb200-nvl72", "GB200 NVL72")]


def test_overlapping_matches_of_different_kinds_are_kept(nlp, gazetteer):
    assert found(nlp, gazetteer, "基于Anyscale平台") == [
        ("organization/anyscale", "Anyscale"),
        ("software/anyscale-platform", "Anyscale平台"),
    ]


def test_mentions_carry_field_offsets_sentence_and_label(nlp, gazetteer):
    summary = "视频介绍：第一句。本视频由Zuks团队分享。"
    talks = parse_table(table("Zoox talk | Ray Summit 2025", summary), "t.md")
    mentions = extract(nlp, gazetteer, talks)
    title, body = mentions[1], mentions[0]
    assert (title.field, title.start, title.end, title.text) == ("title", 0, 4, "Zoox")
    assert body.field == "summary"
    assert talks[0].summary[body.start : body.end] == "Zuks"
    assert body.sentence == "本视频由Zuks团队分享。"
    assert body.label == "Zuks"


def test_speakers_and_presenters_come_from_the_opening_clause(nlp, gazetteer):
    summary = "视频介绍：本视频由Anyscale公司的Ed Oakes分享，介绍了英伟达的GPU。"
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    roles = {(item.role, item.entity) for item in links}
    assert ("person", "person/ed-oakes") in roles
    assert ("presenter", "organization/anyscale") in roles
    assert ("organization", "organization/nvidia") in roles
    assert ("presenter", "organization/nvidia") not in roles


def test_presenter_falls_back_to_title_organizations(nlp, gazetteer):
    talks = parse_table(
        table("How Zoox serves models | Ray Summit 2025", "本次演讲聚焦于模型服务。"), "t.md"
    )
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    assert ("presenter", "organization/zoox") in {(item.role, item.entity) for item in links}


def test_a_first_sentence_that_says_who_presents_names_the_presenter(nlp, gazetteer):
    summary = "Presented by the Ray team at Anyscale. They run it on NVIDIA GPUs."
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    presenters = {item.entity for item in links if item.role == "presenter"}
    assert presenters == {"organization/anyscale"}


def test_a_speaker_named_without_affiliation_keeps_the_title_from_presenting():
    from kg.pipeline import find_links

    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    talks = parse_table(
        table("Serving on NVIDIA GPUs | Ray Summit 2025", "Presented by Lena Ortiz."), "t.md"
    )
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    assert {(i.role, i.entity) for i in found.links if i.role in ("presenter", "person")} == {
        ("person", "person/lena-ortiz")
    }


@pytest.mark.parametrize(
    "summary",
    [
        "本视频由英伟达的Han分享。",
        # Both employers named: one name is still one person, the one named nearest before it.
        "本视频由英伟达的Han分享，他曾与Adobe合作。",
    ],
)
def test_namesakes_are_told_apart_by_affiliation(summary):
    gazetteer = gazetteer_from(
        Graph().parse(
            data=GAZETTEER
            + """
org:adobe a kg:Organization ; skos:prefLabel "Adobe"@en .
person:han a kg:Person ; skos:prefLabel "Han"@en ; kg:affiliation org:adobe .
person:han-nvidia a kg:Person ; skos:prefLabel "Han"@en ; kg:affiliation org:nvidia ."""
        )
    )
    nlp = build_nlp(gazetteer)
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    assert {item.entity for item in links if item.role == "person"} == {"person/han-nvidia"}


def test_a_first_name_alone_is_the_speaker_with_that_full_name():
    gazetteer = gazetteer_from(
        Graph().parse(
            data=GAZETTEER
            + """
person:simon a kg:Person ; skos:prefLabel "Simon"@en .
person:simon-lars a kg:Person ; skos:prefLabel "Simon Lars"@en ."""
        )
    )
    nlp = build_nlp(gazetteer)
    summary = "Anyscale的Simon Lars分享了RLlib。Simon还展望了路线图。"
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    assert {item.entity for item in links if item.role == "person"} == {"person/simon-lars"}


@pytest.mark.parametrize(
    "summary",
    [
        "本视频由英伟达旗下Anyscale的工程师团队分享。",  # a parent company
        "本视频由前英伟达研究员、现Anyscale的Ed Oakes分享。",  # a former employer
        "Presented by former NVIDIA researcher, now Anyscale engineer Ed Oakes.",
        "Presented by Ed Oakes (Anyscale, ex-NVIDIA).",
    ],
)
def test_parent_and_former_organizations_are_not_presenters(nlp, gazetteer, summary):
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    presenters = {item.entity for item in links if item.role == "presenter"}
    assert presenters == {"organization/anyscale"}
    assert ("organization", "organization/nvidia") in {(i.role, i.entity) for i in links}


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Ray Serve", ["Ray Serve", "RayServe", "Ray-Serve"]),
        ("Ray直接传输", ["Ray直接传输"]),
        ("GB200 NVL72", ["GB200 NVL72", "GB200NVL72", "GB200-NVL72"]),
        ("vLLM", ["vLLM"]),
    ],
)
def test_label_variants(label, expected):
    assert variants(label) == expected


def test_a_verb_about_content_does_not_make_presenters(nlp, gazetteer):
    summary = "该演讲开篇回顾计算的历史，介绍了英伟达和Anyscale的案例。"
    talks = parse_table(table("A keynote | Ray Summit 2025", summary), "t.md")
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    assert [item for item in links if item.role == "presenter"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is fast. It is cheap.", ["It is fast.", "It is cheap."]),
        ("Why? Because! Yes.", ["Why?", "Because!", "Yes."]),
        (
            "本视频由Zuks团队分享。他们介绍了Ray！好吗？",
            ["本视频由Zuks团队分享。", "他们介绍了Ray！", "好吗？"],
        ),
        ("Built on Ray.它很快。", ["Built on Ray.", "它很快。"]),
        (
            "Tools, e.g. vLLM, i.e. one engine. Next.",
            ["Tools, e.g. vLLM, i.e. one engine.", "Next."],
        ),
        (
            "Ray vs. Spark at Acme Inc. and Dr. Li. Done.",
            ["Ray vs. Spark at Acme Inc. and Dr. Li.", "Done."],
        ),
        (
            "Teams in the U.S. and J. Smith agree. Done.",
            ["Teams in the U.S. and J. Smith agree.", "Done."],
        ),
        (
            "It is 3.5x faster on v1.2 with Llama 3.1 70B. Next.",
            ["It is 3.5x faster on v1.2 with Llama 3.1 70B.", "Next."],
        ),
        ("He said “it works.” Then left.", ["He said “it works.”", "Then left."]),
        ("One part  and another", ["One part", "and another"]),
    ],
)
def test_sentences_split_in_english_and_chinese(text, expected):
    from kg.extract import sentence_spans

    assert [text[s:e].strip() for s, e in sentence_spans(text) if text[s:e].strip()] == expected


def test_evidence_is_one_english_sentence(nlp, gazetteer):
    summary = "Zoox runs e.g. 3.5x more jobs. Ray Serve handles the traffic. It scales."
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    (serve,) = [m for m in extract(nlp, gazetteer, talks) if m.entity == "ray-library/ray-serve"]
    assert serve.sentence == "Ray Serve handles the traffic."


FIRST_NAMES = """
org:robinhood a kg:Organization ; skos:prefLabel "Robinhood"@en .
person:robert a kg:Person ; skos:prefLabel "Robert"@en ; kg:affiliation org:robinhood .
person:kevin a kg:Person ; skos:prefLabel "Kevin"@en .
"""


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A first name alone is the known person only where the talk names the affiliation too.
        ("本视频由Robinhood的Robert分享。", {"person/robert"}),
        ("本视频由Anyscale的Robert分享。", set()),
        # A first name followed by a surname is someone else.
        ("Robinhood hosts Robert Nishihara and Kevin Klues.", set()),
        # Known by a first name and no affiliation: never matched from the gazetteer.
        ("Kevin talks about Ray.", set()),
    ],
)
def test_first_names_alone_do_not_identify_a_person(summary, expected):
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER + FIRST_NAMES, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    assert {m.entity for m in mentions if m.entity.startswith("person/")} == expected


def test_a_bare_ambiguous_label_needs_a_context_word():
    data = (
        GAZETTEER
        + """
sw:triton-inference-server a kg:Software ; skos:prefLabel "Triton Inference Server"@en ;
    skos:altLabel "Triton"@en ."""
    )
    gazetteer = gazetteer_from(Graph().parse(data=data, format="turtle"))
    entity = gazetteer.entities["software/triton-inference-server"]
    entities = {**gazetteer.entities, entity.key: replace(entity, context=("serving", "inference"))}
    gazetteer = Gazetteer(entities, gazetteer.tracks, gazetteer.graph)
    nlp = build_nlp(gazetteer)
    assert found(
        nlp, gazetteer, "We wrote fused Triton kernels. Triton serves the model for inference."
    ) == [("software/triton-inference-server", "Triton")]
    assert found(nlp, gazetteer, "Triton Inference Server runs it.") == [
        ("software/triton-inference-server", "Triton Inference Server")
    ]


FAMILIES = """
@prefix model: <https://example.org/kg/id/model/> .
model:llama a kg:Model ; skos:prefLabel "Llama"@en .
model:qwen a kg:Model ; skos:prefLabel "Qwen"@en .
model:qwen3 a kg:Model ; skos:prefLabel "Qwen3"@en .
model:deepseek a kg:Model ; skos:prefLabel "DeepSeek"@en .
model:mixtral a kg:Model ; skos:prefLabel "Mixtral"@en .
"""


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "We serve Llama 3.1 70B today.",
            ("Llama 3.1 70B", ["model/llama-3-1-70b", "model/llama-3-1", "model/llama"]),
        ),
        (
            "Qwen3-235B-A22B is a mixture of experts.",
            ("Qwen3-235B-A22B", ["model/qwen3-235b-a22b", "model/qwen3-235b", "model/qwen3"]),
        ),
        ("Mixtral 8x7B runs.", ("Mixtral 8x7B", ["model/mixtral-8x7b", "model/mixtral"])),
        ("DeepSeek-V3 runs.", ("DeepSeek-V3", ["model/deepseek-v3", "model/deepseek"])),
        (
            "Qwen2.5-VL captions.",
            ("Qwen2.5-VL", ["model/qwen-2-5-vl", "model/qwen-2-5", "model/qwen"]),
        ),
        ("It beats Qwen 2.5 here.", ("Qwen 2.5", ["model/qwen-2-5", "model/qwen"])),
        ("Chips: TPU v5e.", ("TPU v5e", ["hardware/tpu-v5e", "hardware/tpu"])),
        ("GB200 NVL72 racks.", ("GB200 NVL72", ["hardware/gb200-nvl72", "hardware/gb200"])),
        ("DeepSeek R1 reasons.", ("DeepSeek R1", ["model/deepseek-r1", "model/deepseek"])),
        # A name the gazetteer does not know, followed by a parameter count, is a model family.
        ("We tuned Zephyrus 7B.", ("Zephyrus 7B", ["model/zephyrus-7b", "model/zephyrus"])),
        # Not a version: a plural, a year, a word after the name.
        ("Llama models in 2025 and Llama-based apps.", ("Llama", ["model/llama"])),
        ("Llama 2025 plans.", ("Llama", ["model/llama"])),
    ],
)
def test_versions_link_the_most_specific_entity_with_a_chain_to_the_family(summary, expected):
    from kg.pipeline import find_links

    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER + FAMILIES, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    (item,) = [i for i in found.links if i.role in ("model", "hardware")]
    chain, key = [], item.entity
    while key:
        chain.append(key)
        entity = found.gazetteer.entities[key]
        key = getattr(entity, "broader", None) or next(
            (
                str(o).rsplit("/id/", 1)[1]
                for o in found.gazetteer.graph.objects(
                    URIRef("https://example.org/kg/id/" + key), SKOS.broader
                )
            ),
            None,
        )
    assert (item.evidence[0].text, chain) == expected
    method = (
        "gazetteer"
        if chain == [item.entity] or item.entity == "hardware/gb200-nvl72"
        else "pattern"
    )
    assert item.evidence[0].method == method
    assert found.gazetteer.entities[item.entity].found_by == method


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # The short form after the name, or the name after the short form, links where it stands.
        ("We run Ray Serve (RS) in production. RS scales.", [("summary", "RS")] * 2),
        ("We run RS (Ray Serve) in production. RS scales.", [("summary", "RS")] * 2),
        # Not a short form: one capital, or another initial.
        ("We run Ray Serve (Rs) in production. Rs scales.", []),
        ("We run Ray Serve (GPU) in production. GPU scales.", []),
    ],
)
def test_a_short_form_spelled_out_in_a_talk_names_the_entity(nlp, gazetteer, summary, expected):
    from kg.extract import find_abbreviations

    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    found = find_abbreviations(gazetteer, talks, extract(nlp, gazetteer, talks))
    assert [(m.field, m.text) for m in found if m.entity == "ray-library/ray-serve"] == expected
    assert all(m.method == "pattern" for m in found)


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        ("We serve Command and Llama.", True),
        # At the start of a text, a sentence or a clause, any word is capitalised.
        ("Command line tab completion for your config.", False),
        ("It is fast. Command line tab completion too.", False),
        ("Features: Command line tab completion.", False),
    ],
)
def test_a_product_named_by_a_common_word_needs_more_than_a_sentences_capital(summary, found):
    gazetteer = gazetteer_from(
        Graph().parse(
            data=GAZETTEER
            + '<https://example.org/kg/id/model/command> a kg:Model ; skos:prefLabel "Command"@en ;'
            " kg:matchCase true ."
        )
    )
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    assert any(m.entity == "model/command" for m in mentions) is found


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("We compare Llama2/3 here.", {"model/llama-2", "model/llama-3"}),
        ("DeepSeek-V3/R1 reason.", {"model/deepseek-v3", "model/deepseek-r1"}),
        # A sibling the gazetteer lists is that entity.
        ("Qwen2.5/3 both run.", {"model/qwen-2-5", "model/qwen3"}),
        # Not a version after the slash: a word, a date.
        # (Mistral, beside a model in a list, is a model of its own, not a version of Llama.)
        ("Llama2/Mistral run.", {"model/llama-2", "model/mistral"}),
        ("Llama2 on 2025/10 runs.", {"model/llama-2"}),
    ],
)
def test_a_version_after_a_slash_is_a_sibling_of_the_one_before(summary, expected):
    from kg.pipeline import find_links

    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER + FAMILIES, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    assert {i.entity for i in found.links if i.role == "model"} == expected


def test_a_sibling_follows_a_version_the_gazetteer_lists_under_its_family():
    from kg.pipeline import find_links

    listed = """
    model:deepseek-v3 a kg:Model ; skos:prefLabel "DeepSeek-V3"@en ; skos:broader model:deepseek .
    model:deepseek-r1 a kg:Model ; skos:prefLabel "DeepSeek-R1"@en ; skos:broader model:deepseek .
    """
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER + FAMILIES + listed, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", "DeepSeek-V3/R1 采用 MoE 架构。"), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    assert {i.entity for i in found.links if i.role == "model"} == {
        "model/deepseek-v3",
        "model/deepseek-r1",
    }


APACHE = """
@prefix sw: <https://example.org/kg/id/software/> .
sw:arrow a kg:Software ; skos:prefLabel "Arrow"@en .
sw:apache-spark a kg:Software ; skos:prefLabel "Apache Spark"@en .
<https://example.org/kg/id/organization/dropbox> a kg:Organization ; skos:prefLabel "Dropbox"@en .
"""


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A foundation's project is that project, not a namesake inside its name.
        ("Data moves through Apache Arrow.", ["software/apache-arrow"]),
        ("We use Apache Paimon tables.", ["software/apache-paimon"]),
        ("Apache Spark runs it, under the Apache License.", ["software/apache-spark"]),
        ("Arrow formats dates.", ["software/arrow"]),
        # A name inside a web address is no mention.
        ("Slides: https://www.dropbox.com/s/x/talk.pdf and more.", []),
        ("Dropbox hosts them.", ["organization/dropbox"]),
    ],
)
def test_foundation_projects_and_web_addresses(summary, expected):
    assert linked(GAZETTEER + APACHE, summary) == expected


@pytest.mark.parametrize(
    ("summary", "title", "expected"),
    [
        # An organization named by the word for its kind, with its short form after it.
        (
            "The Python Software Foundation (PSF) funds it; the PSF says so.",
            "A talk",
            ["organization/python-software-foundation"],
        ),
        ("Join The Quarkwise Labs team.", "A talk", ["organization/quarkwise-labs"]),
        (
            "Researchers at the University of Oslo built it.",
            "A talk",
            ["organization/university-of-oslo"],
        ),
        (
            "Members of the Tidewave AI/ML Security Working Group review it.",
            "A talk",
            ["organization/tidewave-ai-ml-security-working-group"],
        ),
        # Not one: a kind of model, a title's ordinary words.
        ("Humanoid Foundation Models walk.", "A talk", []),
        ("It helps.", "Building a Machine Learning Foundation", []),
        ("It helps.", "Tidewave Institute Tooling", ["organization/tidewave-institute"]),
    ],
)
def test_an_organization_named_by_the_word_for_its_kind(summary, title, expected):
    from kg.pipeline import find_links

    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    talks = parse_table(table(f"{title} | Ray Summit 2025", summary), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    organizations = {i.entity for i in found.links if i.role == "organization"}
    assert sorted(organizations) == expected
    assert all(found.gazetteer.entities[key].found_by == "pattern" for key in organizations)


def linked(data: str, summary: str) -> list[str]:
    """The entities a talk with this summary links (presenters aside), with this gazetteer."""
    from kg.pipeline import find_links

    gazetteer = gazetteer_from(Graph().parse(data=data, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    return sorted({i.entity for i in found.links if i.role != "presenter"})


PRODUCTS = """
@prefix model: <https://example.org/kg/id/model/> .
model:quill a kg:Model ; skos:prefLabel "Quill"@en .
sw:quill-code a kg:Software ; skos:prefLabel "Quill Code"@en .
sw:zephyr a kg:Software ; skos:prefLabel "Zephyr"@en .
hw:cpu a kg:Hardware ; skos:prefLabel "CPU"@en .
"""


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A product inside a longer product's name is part of that name; a company is not.
        ("We code with Quill Code.", ["software/quill-code"]),
        ("Anyscale Platform runs it.", ["organization/anyscale", "software/anyscale-platform"]),
        ("Quill writes, Quill Code codes.", ["model/quill", "software/quill-code"]),
        # Inside another project's hyphenated name, software and models give way.
        ("We run Ingress-Zephyr and DB-Quill.", []),
        ("We run Zephyr_EHR.", []),
        # A descriptive word, lower case or an everyday word in title case, is not a name; two
        # names joined are both named.
        ("Zephyr-based, Zephyr-Native and Quill-powered.", ["model/quill", "software/zephyr"]),
        ("CPU-Zephyr offload.", ["hardware/cpu", "software/zephyr"]),
        ("Quill-2 and Zephyr-v3.", ["model/quill-2", "software/zephyr"]),
    ],
)
def test_a_product_inside_another_products_name_is_not_linked(summary, expected):
    assert linked(GAZETTEER + PRODUCTS, summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A product word after a model or a company names its software; the model gives way,
        # the company stays.
        ("We call the Quill Live API.", ["software/quill-live-api"]),
        (
            "The Quill Desktop app and the Zoox SDK.",
            ["organization/zoox", "software/quill-desktop", "software/zoox-sdk"],
        ),
        ("NVIDIA AI Stack runs it.", ["organization/nvidia", "software/nvidia-ai-stack"]),
        # The gazetteer's entity of that name, in the singular: "Quill APIs" is its Quill API.
        ("We use the Quill APIs.", ["software/quill-gateway"]),
        # No product word: lower case, a longer word, or after software.
        ("It ships Quill apps, then Quill Applications.", ["model/quill"]),
        ("Zephyr API docs.", ["software/zephyr"]),
        # After software, a word for its hosted or visual edition; "Operator" is a kind of thing.
        ("We deploy on Zephyr Cloud.", ["software/zephyr-cloud"]),
        (
            "The Zephyr Playground and a Zephyr Operator.",
            ["software/zephyr", "software/zephyr-playground"],
        ),
    ],
)
def test_a_product_word_after_a_model_or_a_company_names_its_software(summary, expected):
    from kg.pipeline import find_links

    data = GAZETTEER + PRODUCTS + 'sw:quill-gateway a kg:Software ; skos:prefLabel "Quill API"@en .'
    gazetteer = gazetteer_from(Graph().parse(data=data, format="turtle"))
    talks = parse_table(table("A talk | Ray Summit 2025", summary), "t.md")
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    assert sorted({i.entity for i in found.links if i.role != "presenter"}) == expected
    made = [
        found.gazetteer.entities[i.entity]
        for i in found.links
        if i.entity not in gazetteer.entities
    ]
    assert all(entity.found_by == "pattern" for entity in made)


KINDS_OF_PARTS = """
hw:gpu a kg:Hardware ; skos:prefLabel "GPU"@en ; skos:altLabel "GPUs"@en .
hw:quasar a kg:Hardware ; skos:prefLabel "Quasar"@en ; skos:broader hw:gpu .
hw:qx9 a kg:Hardware ; skos:prefLabel "QX9"@en ; skos:broader hw:quasar .
hw:supercomputer a kg:Hardware ; skos:prefLabel "supercomputer"@en .
hw:borealis a kg:Hardware ; skos:prefLabel "Borealis"@en ; skos:broader hw:supercomputer .
"""


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A part right beside the word for a kind it is (up its broader chain) links the part.
        ("It runs on 400 QX9 GPUs.", ["hardware/qx9"]),
        ("It runs on QX9-GPU nodes.", ["hardware/qx9"]),
        ("The fastest supercomputer, Borealis, runs it.", ["hardware/borealis"]),
        ("Quasar GPU and TPU.", ["hardware/quasar", "hardware/tpu"]),
        # Not beside it, or not a kind of it: both stay.
        ("QX9 and other GPUs.", ["hardware/gpu", "hardware/qx9"]),
        (
            "A Borealis GPU and a QX9 supercomputer.",
            ["hardware/borealis", "hardware/gpu", "hardware/qx9", "hardware/supercomputer"],
        ),
        ("GB200 GPUs.", ["hardware/gb200", "hardware/gpu"]),
    ],
)
def test_a_part_beside_the_word_for_its_kind_links_the_part(summary, expected):
    assert linked(GAZETTEER + KINDS_OF_PARTS, summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A product glued into a technique's word is part of that word ...
        ("我们使用Zephyr图。", ["technique/zephyr-graphs"]),
        # ... unless the technique's name makes a verb of it: the product is still named.
        ("Zephyr化改造。", ["software/zephyr", "technique/zephyrization"]),
        # A product that is a word of its own in the technique's name is named too.
        ("We use Zephyr graphs.", ["software/zephyr", "technique/zephyr-graphs"]),
        ("We use Zephyr-graphs.", ["software/zephyr", "technique/zephyr-graphs"]),
    ],
)
def test_a_product_glued_into_a_techniques_word_is_part_of_it(summary, expected):
    data = (
        GAZETTEER
        + PRODUCTS
        + 'tech:zephyr-graphs a kg:Technique ; skos:prefLabel "Zephyr graphs"@en , "Zephyr图"@zh .\n'
        + 'tech:zephyrization a kg:Technique ; skos:prefLabel "zephyrization"@en , "Zephyr化"@zh .\n'
    )
    assert linked(data, summary) == expected
