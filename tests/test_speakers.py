"""Speakers found by how the text introduces them, with the organization the sentence ties them to."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.extract import build_nlp, extract, link
from kg.ontology import gazetteer_from
from kg.speakers import find_speakers
from kg.table import parse_table

GAZETTEER = """
@prefix kg:   <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org:  <https://example.org/kg/id/organization/> .
org:uber a kg:Organization ; skos:prefLabel "Uber"@en .
org:google a kg:Organization ; skos:prefLabel "Google"@en , "谷歌"@zh .
org:bytedance a kg:Organization ; skos:prefLabel "ByteDance"@en , "字节跳动"@zh .
org:uc-berkeley a kg:Organization ; skos:prefLabel "UC Berkeley"@en .
<https://example.org/kg/id/software/quarkdb> a kg:Software ; skos:prefLabel "QuarkDB"@en .
<https://example.org/kg/id/model/marlin> a kg:Model ; skos:prefLabel "Marlin"@en .
org:kestrel a kg:Organization ; skos:prefLabel "kestrel"@en ; kg:matchCase true ;
    kg:contextWord "手机" .
<https://example.org/kg/id/person/wei-zhang> a kg:Person ; skos:prefLabel "Wei Zhang"@en ;
    kg:affiliation org:bytedance .
"""


def links_of(summary: str, title: str = "A talk"):
    """The grown gazetteer and the links of one talk with this summary."""
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    talks = parse_table(
        f"| 分类 | 演讲内容 | 概要 |\n|---|---|---|\n| T | {title} | {summary} |\n",
        "t.md",
        "E 2025",
    )
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    gazetteer, found = find_speakers(gazetteer, talks, mentions)
    return gazetteer, link(gazetteer, talks, sorted(mentions + found))


def speakers(summary: str) -> set[tuple[str, str | None]]:
    gazetteer, links = links_of(summary)
    people = {item.entity for item in links if item.role == "person"}
    return {(gazetteer.entities[k].label, gazetteer.entities[k].affiliation) for k in people}


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "本视频由Uber AI平台工程师Pong和Bharat共同分享，详细介绍了训练平台。",
            {("Pong", "organization/uber"), ("Bharat", "organization/uber")},
        ),
        (
            "本次演讲由字节跳动的李明和谷歌的王芳共同分享。",
            {("李明", "organization/bytedance"), ("王芳", "organization/google")},
        ),
        (
            "Presented by Wei Zhang of ByteDance and Chen Liu of UC Berkeley, this session walks through it.",
            {("Wei Zhang", "organization/bytedance"), ("Chen Liu", "organization/uc-berkeley")},
        ),
        (
            "Google's Maya Lindqvist shows how her team runs JAX.",
            {("Maya Lindqvist", "organization/google")},
        ),
        # A name that begins a sentence before a verb that says the person speaks, with the
        # organization after "of" or between commas.
        ("Maria Quintero explores how the scheduler works.", {("Maria Quintero", None)}),
        (
            "Tomas Berg, Uber, discusses how the scheduler works.",
            {("Tomas Berg", "organization/uber")},
        ),
        ("Ana Souza of Uber teaches the scheduler.", {("Ana Souza", "organization/uber")}),
        # A later sentence names a speaker only right before such a verb.
        (
            "Kernels matter. Compilers compose them. Google's Lena Okafor presents the approach.",
            {("Lena Okafor", "organization/google")},
        ),
        ("Kernels matter. Compilers compose them. Google's Lena Okafor wrote the paper.", set()),
        # ... after the other names of a list, an organization or a role at one.
        (
            "Models matter. We deploy them. Finally Ana Souza and Bo Chen showcase the code.",
            {("Ana Souza", None), ("Bo Chen", None)},
        ),
        (
            "Models matter. We deploy them. Ana Souza, CEO at Uber, introduces the tool.",
            {("Ana Souza", "organization/uber")},
        ),
        # "In this talk" without its comma, "Here,".
        (
            "In this talk Ana Souza and Bo Chen from Uber cover the scheduler.",
            {("Ana Souza", "organization/uber"), ("Bo Chen", "organization/uber")},
        ),
        ("Here, Ana Souza talks about inference.", {("Ana Souza", None)}),
        # A person named again later is the same person, not one without the organization.
        (
            "From Uber, Ana Souza. Models matter. Ana Souza will present it.",
            {("Ana Souza", "organization/uber")},
        ),
        # "From X, A and B": X is their employer, in lower case too; "From X" is nobody.
        (
            "From Nubank, Ana Souza and Bo Chen present a pipeline.",
            {("Ana Souza", "organization/nubank"), ("Bo Chen", "organization/nubank")},
        ),
        (
            "From quillworks, Ana Souza and Omri Bar.",
            {("Ana Souza", "organization/quillworks"), ("Omri Bar", "organization/quillworks")},
        ),
        # A known organization and a word for a part of it is that organization.
        ("From Uber Research, Ana Souza.", {("Ana Souza", "organization/uber")}),
        # Names with an apostrophe; a second organization before the next name.
        (
            "Google's Ana Souza and Liam O'Connor present.",
            {("Ana Souza", "organization/google"), ("Liam O'Connor", "organization/google")},
        ),
        (
            "Ana Souza of Uber and Quillworks, and Bo Chen of Google, will talk about it.",
            {("Ana Souza", "organization/uber"), ("Bo Chen", "organization/google")},
        ),
        # "由X的A（…）": X of any shape when the gazetteer knows it as a company.
        (
            "本次演讲由字节跳动的李明（Quark Maintainer）带您探索调度。",
            {("李明", "organization/bytedance")},
        ),
        # "负责人之一A": one of the leads.
        ("本视频由Uber 调度平台技术负责人之一李强分享。", {("李强", "organization/uber")}),
        # A cue after a clause's comma; a known organization before a department's words is
        # the employer, though no context word of its own stands in the sentence.
        (
            "在年度大会上，Brightwave 数据平台工程师李强介绍了训练实践。",
            {("李强", "organization/brightwave")},
        ),
        (
            "在年度大会上，kestrel AI 研究院 AI 架构师王志远基于多模态模型介绍训练实践。",
            {("王志远", "organization/kestrel")},
        ),
        # An organization the gazetteer does not know, named by the cue: an entity of its own.
        (
            "In this talk, Ana Souza from Nubank shows a pipeline.",
            {("Ana Souza", "organization/nubank")},
        ),
        (
            "Lena Ortiz, CTO of Quarkwise Labs, explains why.",
            {("Lena Ortiz", "organization/quarkwise-labs")},
        ),
        (
            "Presented by Omar Haddad (Fjordline).",
            {("Omar Haddad", "organization/fjordline")},
        ),
        (
            "Priya Nair and Tom Baker of Verdant Systems present it.",
            {
                ("Priya Nair", "organization/verdant-systems"),
                ("Tom Baker", "organization/verdant-systems"),
            },
        ),
        (
            "Meridian's Jo Park and Google's Li Wei walk through it.",
            {("Jo Park", "organization/meridian"), ("Li Wei", "organization/google")},
        ),
        (
            "Acmecorp engineers Sara Lind and Ken Ito show the design.",
            {("Sara Lind", "organization/acmecorp"), ("Ken Ito", "organization/acmecorp")},
        ),
        ("星河科技高级研发工程师张伟介绍了平台。", {("张伟", "organization/星河科技")}),
        (
            "来自字节跳动的 Jay Chen 与来自 Orbit 的 Ann Lee 介绍了它。",
            {("Jay Chen", "organization/bytedance"), ("Ann Lee", "organization/orbit")},
        ),
        ("本次演讲由刘军（Tidewave 产品经理）分享。", {("刘军", "organization/tidewave")}),
        ("海川数据的赵磊老师带来了分享。", {("赵磊", "organization/海川数据")}),
        (
            "谷歌软件工程师王刚和开发工程师李强分享了实践。",
            {("王刚", "organization/google"), ("李强", "organization/google")},
        ),
        # The name ends before a word that begins the next clause ("在", "认为").
        ("星河科技技术专家许坤在大会上分享。", {("许坤", "organization/星河科技")}),
        (
            "With Kyle Sand (Tidewave) and Jo Ames (Orbit).",
            {("Kyle Sand", "organization/tidewave"), ("Jo Ames", "organization/orbit")},
        ),
        (
            "Quarkwise developer advocate Lena Ortiz leads this workshop.",
            {("Lena Ortiz", "organization/quarkwise")},
        ),
        (
            "Presented by Lena Ortiz, Principal Developer Advocate at Quarkwise.",
            {("Lena Ortiz", "organization/quarkwise")},
        ),
        (
            "Meridian's Jo Park, with Ann Lee and Bo Kim.",
            {
                ("Jo Park", "organization/meridian"),
                ("Ann Lee", "organization/meridian"),
                ("Bo Kim", "organization/meridian"),
            },
        ),
        # Names joined by "&" share the organization after them.
        (
            "Presented by Ann Lee & Bo Kim (Orbit).",
            {("Ann Lee", "organization/orbit"), ("Bo Kim", "organization/orbit")},
        ),
        (
            "Hosted by Ann Lee and Bo Kim, engineers at Orbit.",
            {("Ann Lee", "organization/orbit"), ("Bo Kim", "organization/orbit")},
        ),
        (
            "Tyler Grant, Nina Alvarez and colleagues at Meridian Research Institute present it.",
            {
                ("Tyler Grant", "organization/meridian-research-institute"),
                ("Nina Alvarez", "organization/meridian-research-institute"),
            },
        ),
        # "the" before the employer's name; not before a word that is not a name.
        (
            "Presented by Ann Lee, scientist at the Orbit AGI Lab.",
            {("Ann Lee", "organization/orbit-agi-lab")},
        ),
        ("Ann Lee of the year shows it.", {("Ann Lee", None)}),
        # A relative clause between the name and its verb: the employer at its end.
        (
            "Models grow. Ann Lee, who leads the strategy for cloud platforms at Orbit Research,"
            " will discuss them.",
            {("Ann Lee", "organization/orbit-research")},
        ),
        # A company named like its product, in an employer's position; not a project's role.
        ("Ann Lee, CEO of QuarkDB, runs this workshop.", {("Ann Lee", "organization/quarkdb")}),
        ("Ann Lee, maintainer of QuarkDB, runs this workshop.", {("Ann Lee", None)}),
        # A known full name that an English cue ties to another employer is a namesake; without
        # a cue it is the person the gazetteer knows.
        ("Wei Zhang, engineer at Google, shows it.", {("Wei Zhang", "organization/google")}),
        ("Wei Zhang of ByteDance shows it.", {("Wei Zhang", "organization/bytedance")}),
        ("In this talk, Wei Zhang shows it.", {("Wei Zhang", "organization/bytedance")}),
        # Chinese organizations that begin with 中, a department with 与, "演讲者 A 是X的".
        (
            "中移信息技术有限公司高级研发工程师卢城负责平台工作。",
            {("卢城", "organization/中移信息技术有限公司")},
        ),
        (
            "上海交通大学计算机科学与工程系教授梁晓峣介绍了芯片。",
            {("梁晓峣", "organization/上海交通大学")},
        ),
        ("演讲者 Qian Ding 是星河集团的 Staff SRE。", {("Qian Ding", "organization/星河集团")}),
        # ... or a role right after the organization, though "讲师" alone is a role too.
        (
            "本次直播将探讨安全。讲师柳岸是 Zentrix 云安全研究员，知识库作者。",
            {("柳岸", "organization/zentrix")},
        ),
        # An organization's name of several words joined by "of" or "for".
        (
            "Ana Ruiz from the University of Norland and Li Wei of Kestrel Institute for AI present it.",
            {
                ("Ana Ruiz", "organization/university-of-norland"),
                ("Li Wei", "organization/kestrel-institute-for-ai"),
            },
        ),
        # A Chinese organization right before a name and a verb of speaking.
        (
            "本次分享由星河大学王芳分享，海川科技张伟介绍了经验。",
            {("王芳", "organization/星河大学"), ("张伟", "organization/海川科技")},
        ),
        ("来自星河大学的王芳介绍了它。", {("王芳", "organization/星河大学")}),
        # An organization in the bracket after a name, before a role; a role alone; the company
        # a bio says the person joined (not one joined before, "曾加入").
        ("本次演讲由王芳（星河科技软件工程师）带来。", {("王芳", "organization/星河科技")}),
        ("本次直播由 Ann Lee（高级软件工程师）带来。", {("Ann Lee", None)}),
        (
            "本次直播由张伟（高级软件工程师，2016 年加入海川，目前就职于研发团队）带来。",
            {("张伟", "organization/海川")},
        ),
        (
            "go-zero 作者李强（2018 年加入晓月，担任 CTO）带来本次直播。",
            {("李强", "organization/晓月")},
        ),
        ("张伟（曾加入海川，现任架构师）带来分享。", set()),
        ("由张伟（2019 年加入了海川，担任架构师）带来。", {("张伟", "organization/海川")}),
        # A company nobody listed, before the first word of a role; "云" in "云计算" is the role's.
        ("青鸟网信研发工程师许伟带来本次分享。", {("许伟", "organization/青鸟网信")}),
        ("雪松医疗 CEO 谭宗威带来本次分享。", {("谭宗威", "organization/雪松医疗")}),
        ("海川银行云计算负责人蒋立杰带来本次分享。", {("蒋立杰", "organization/海川银行")}),
        ("资深工程师张三带来分享。", {("张三", None)}),
        # Not a company: words before the role that a name has no place in, or a group's word.
        ("本次分享由我们的研发工程师张三带来。", {("张三", None)}),
        ("他是一名研发工程师张三带来分享。", {("张三", None)}),
        ("本次分享由团队研发工程师张三带来。", {("张三", None)}),
        # Roles in lower case among the others.
        (
            "星河科技高级研发工程师、Zephyr-CSI maintainer 邓文带来本次直播。",
            {("邓文", "organization/星河科技")},
        ),
        # Openings with more words: "this fast-paced session", "Moreover,", "firstly,".
        (
            "In this fast-paced session, Ana Ruiz, Li Wei and Tom Berg take a deep dive on it.",
            {("Ana Ruiz", None), ("Li Wei", None), ("Tom Berg", None)},
        ),
        (
            "Models grow. Costs grow too. Moreover, Ana Ruiz from Orbit also examines the trend.",
            {("Ana Ruiz", "organization/orbit")},
        ),
        (
            "Models grow. Costs grow too. In this talk, firstly, Ana Ruiz navigates the impacts.",
            {("Ana Ruiz", None)},
        ),
        ("In this talk Ana Ruiz and Li Wei explore it.", {("Ana Ruiz", None), ("Li Wei", None)}),
        (
            "Models grow. Costs grow too. In this lightning talk, Ana Ruiz and Li Wei take a look.",
            {("Ana Ruiz", None), ("Li Wei", None)},
        ),
        # A project's role in lower case is not an employer either.
        ("Tidewave committer、Orbit Contributor 刘军带来本次分享。", {("刘军", None)}),
        ("They introduce Compiled Autograd.", set()),
        # A capitalised phrase that begins a sentence is a name only before a verb.
        ("Large Language Models (LLMs) changed everything.", set()),
        # A project's role is not an employer.
        ("本次演讲由刘军（Tidewave Maintainer）分享。", {("刘军", None)}),
        # Not people: a team, a lab, an unknown company in a speaker's place.
        ("本视频由Uber的工程师团队分享。", set()),
        (
            "Researchers from UC Berkeley's Sky Computing Lab, Tyler Grant and Nina Alvarez, explain it.",
            {
                ("Tyler Grant", "organization/uc-berkeley"),
                ("Nina Alvarez", "organization/uc-berkeley"),
            },
        ),
    ],
)
def test_speakers_and_affiliations(summary, expected):
    assert speakers(summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A later sentence names the speaker anywhere before a verb that says so.
        (
            "Tables grow. Schemas drift. Along the way, Tomas Varga explores testing.",
            {("Tomas Varga", None)},
        ),
        (
            "Tables grow. Schemas drift. In the first part of the talk Ines Moreau starts by "
            "reviewing it.",
            {("Ines Moreau", None)},
        ),
        (
            "Tables grow. Schemas drift. In this talk Ines Moreau first explains why, and "
            "Tomas Varga goes through the changes.",
            {("Ines Moreau", None), ("Tomas Varga", None)},
        ),
        # Letters beyond Latin-1 and particles are parts of names.
        (
            "Presented by Łukasz Nowak, Mia Horvatić, Çağla Yıldız and Hugo van Dijk.",
            {
                ("Łukasz Nowak", None),
                ("Mia Horvatić", None),
                ("Çağla Yıldız", None),
                ("Hugo van Dijk", None),
            },
        ),
        # Spanish: "A y B exploran", "En esta charla A explora", "A te invita".
        (
            "Los datos crecen. Ana Souza y Lucía Peña Añez exploran cómo crear embeddings.",
            {("Ana Souza", None), ("Lucía Peña Añez", None)},
        ),
        (
            "Python trae herramientas. En esta charla Tomas Varga explora el módulo itertools.",
            {("Tomas Varga", None)},
        ),
        (
            "Probar es clave. En esta charla de 30 minutos, Ines Moreau Ruiz te invita a conocer "
            "Playwright.",
            {("Ines Moreau Ruiz", None)},
        ),
        # A biography's first words tie the person to the employer.
        (
            "Ana Souza is a Staff Engineer at Nubank. She maintains a linter.",
            {("Ana Souza", "organization/nubank")},
        ),
        # Not names: a thing after a determiner, an organization in its place ("of X"), a school.
        ("Tables grow. Schemas drift. This Deep Dive provides an update.", set()),
        (
            "Tables grow. Schemas drift. Here a former scientist, now CEO of Orbit Ana Ruiz "
            "will present it.",
            {("Ana Ruiz", None)},
        ),
        ("Ana Souza studied at Nubank's Graduate School of Engineering.", set()),
    ],
)
def test_later_sentences_biographies_and_letters_of_other_languages(summary, expected):
    assert speakers(summary) == expected


def test_names_outside_the_opening_clause_are_not_speakers():
    assert speakers("本视频详细介绍了训练平台。后来Pong和Bharat也提到过。") == set()


def test_an_employer_named_like_its_product_is_the_company_there_not_the_product():
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    talks = parse_table(
        "| 分类 | 演讲内容 | 概要 |\n|---|---|---|\n"
        "| T | A talk | Ann Lee, CEO of QuarkDB, runs this workshop. We store logs in QuarkDB. |\n",
        "t.md",
        "E 2025",
    )
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    gazetteer, found = find_speakers(gazetteer, talks, mentions)
    links = {
        (i.role, i.entity, tuple(m.start for m in i.evidence))
        for i in link(gazetteer, talks, sorted(mentions + found))
    }
    company = talks[0].summary.index("QuarkDB")
    product = talks[0].summary.rindex("QuarkDB")
    assert ("organization", "organization/quarkdb", (company,)) in links
    assert any(role == "presenter" and key == "organization/quarkdb" for role, key, _ in links)
    # The product is linked where the text names the product, not where it names the employer.
    assert ("software", "software/quarkdb", (product,)) in links


def test_a_product_inside_a_speakers_name_is_neither_the_product_nor_a_block():
    # "Marlin" is a model; "Ana Marlin, CEO at Uber" is a person, and the model is not linked.
    _, links = links_of(
        "Models matter. We deploy them. Ana Marlin, CEO at Uber, introduces the tool."
    )
    assert {(item.role, item.entity) for item in links if item.role != "presenter"} == {
        ("person", "person/ana-marlin-uber"),
        ("organization", "organization/uber"),
    }


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # An abstract that speaks as an organization names its presenter, known or not.
        ("At orbitLabs we're building it. Ana Ruiz shows how.", {"organization/orbitlabs"}),
        ("Models grow. At ByteDance, we train them at scale.", {"organization/bytedance"}),
        ("Here at Tidewave Robotics we build robots.", {"organization/tidewave-robotics"}),
        ("Models grow, and we at Tidewave train them.", {"organization/tidewave"}),
        ("Models grow. At orbitlabs, we train them.", {"organization/orbitlabs"}),
        (
            "I build games at my own gaming company, Tidewave Studios.",
            {"organization/tidewave-studios"},
        ),
        (
            "We grew a platform team within Tidewave's Logistics department.",
            {"organization/tidewave"},
        ),
        # Not the authors': no "we", or a place inside a sentence.
        ("At ByteDance, models grow.", set()),
        ("They met at Tidewave, we hear.", set()),
        ("Models grow. At first, we trained them.", set()),
        ("A team within Tidewave's Logistics department grew it.", set()),
        ("We praise the company Tidewave Studios.", set()),
        # An event is where the authors were, not who they are.
        ("Models grow. At KubeCon, we showed it.", set()),
        ("Models grow. At NeurIPS 2024, we presented it.", set()),
    ],
)
def test_an_abstract_speaking_as_an_organization_names_its_presenter(summary, expected):
    _, links = links_of(summary)
    assert {item.entity for item in links if item.role == "presenter"} == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Evolving Django (Sponsor: Uber)", {"organization/uber"}),
        ("Real-World Blockchain (Sponsor: Algorand)", {"organization/algorand"}),
        ("Blockchain (sponsored by Tidewave Robotics)", {"organization/tidewave-robotics"}),
        # Only the note in brackets says whose talk it is.
        ("Sponsor: Algorand", set()),
    ],
)
def test_a_titles_sponsor_note_names_the_presenter(title, expected):
    gazetteer, links = links_of("Ana Ruiz shows how blockchains settle payments.", title)
    assert {item.entity for item in links if item.role == "presenter"} == expected
    assert {item.entity for item in links if item.role == "organization"} == expected
    assert all(
        gazetteer.entities[key].found_by == "cue" for key in expected - {"organization/uber"}
    )


def title_people(title: str) -> set[tuple[str, str | None]]:
    gazetteer, links = links_of("The talk shows how it is done.", title)
    return {
        (gazetteer.entities[item.entity].label, gazetteer.entities[item.entity].affiliation)
        for item in links
        if item.role == "person"
    }


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Scaling Agents - Ana Ruiz, Tidewave & Li Wei, Google",
            {("Ana Ruiz", "organization/tidewave"), ("Li Wei", "organization/google")},
        ),
        # An organization after a list of names is the employer of each.
        (
            "Scaling Agents - Ana Ruiz, Li Wei & Tom Berg, Uber",
            {
                ("Ana Ruiz", "organization/uber"),
                ("Li Wei", "organization/uber"),
                ("Tom Berg", "organization/uber"),
            },
        ),
        # ";" between speakers, a university, a legal form, someone with no employer.
        (
            "Panel: Agents - Ana Ruiz, University of Oslo; Li Wei, Glennium, LLC; Tom Berg,"
            " Independent",
            {
                ("Ana Ruiz", "organization/university-of-oslo"),
                ("Li Wei", "organization/glennium"),
                ("Tom Berg", None),
            },
        ),
        # A known person at the organization the gazetteer gives is that person.
        ("Serving at Scale - Wei Zhang, ByteDance", {("Wei Zhang", "organization/bytedance")}),
        # Not speakers: a subtitle after a dash, a name with no organization after it.
        ("Serving - Lessons Learned, Part 2", set()),
        ("Ray - A Distributed Framework", set()),
        ("Ray Data - Scaling Multimodal Pipelines, Lessons Learned", set()),
        ("Ray Serve - Production Patterns, Pitfalls & Best Practices", set()),
        ("Scaling Agents - Ana Ruiz", set()),
    ],
)
def test_a_schedules_title_names_its_speakers_and_their_organizations(title, expected):
    assert title_people(title) == expected


def test_title_speakers_present_the_talk_and_are_not_merged_with_a_namesake():
    gazetteer, links = links_of("The talk shows it.", "Serving - Wei Zhang, Uber & Li Wei, Uber")
    people = {item.entity for item in links if item.role == "person"}
    assert people == {"person/wei-zhang-uber", "person/li-wei-uber"}
    assert {item.entity for item in links if item.role == "presenter"} == {"organization/uber"}
    assert all(item.evidence[0].field == "title" for item in links)


def test_the_sentence_of_a_title_mention_is_the_whole_title():
    title = "Serving? Scaling - Ana Ruiz, Uber; Li Wei, Google"
    _, links = links_of("The talk shows it.", title)
    people = [item for item in links if item.role == "person"]
    assert len(people) == 2
    assert {m.sentence for item in people for m in item.evidence} == {title}


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Speakers: Ana Ruiz, Google; Li Wei, Uber. The talk covers serving.",
            {("Ana Ruiz", "organization/google"), ("Li Wei", "organization/uber")},
        ),
        # A role is no organization, inside brackets or as an item of its own.
        (
            "Speakers: Ana Ruiz (Senior Engineer, Google), Li Wei. The talk covers serving.",
            {("Ana Ruiz", "organization/google"), ("Li Wei", None)},
        ),
        (
            "Speaker: Ana Ruiz, Staff Engineer at Uber. The talk covers serving.",
            {("Ana Ruiz", "organization/uber")},
        ),
        # Names joined by "and" are two people, not a person and a company.
        (
            "Presented by: Ana Ruiz and Li Wei. It covers serving.",
            {("Ana Ruiz", None), ("Li Wei", None)},
        ),
        (
            "演讲嘉宾：张伟（谷歌资深工程师）、李娜（字节跳动）。本次分享介绍推理服务。",
            {("张伟", "organization/google"), ("李娜", "organization/bytedance")},
        ),
        ("讲师：张伟，Tidewave 高级工程师，拥有十年经验。", {("张伟", "organization/tidewave")}),
        ("嘉宾：张伟。本次分享介绍推理服务。", {("张伟", None)}),
        # The organization ends at its word ("科技", "集团"), before the role; a label twice.
        (
            "讲师：讲师：张伟，青云科技解决方案架构师。内容简介：介绍推理服务。",
            {("张伟", "organization/青云科技")},
        ),
        (
            "分享嘉宾：李娜，星河智能集团云原生微服务技术负责人，Tidewave 发起人。",
            {("李娜", "organization/星河智能集团")},
        ),
        # As event pages write them: a name and then the abstract after a space, two names with
        # a slash, a role after the company and the abstract glued on, a co-founder, a legal form.
        ("讲师： 朱唯唯 JuiceFS 基于云原生环境的基础设施设计。", {("朱唯唯", None)}),
        (
            "讲师：李锦路/李昱鑫，星河大学数据科学与工程学院 本议题将聚焦于日志分析。",
            {("李锦路", "organization/星河大学"), ("李昱鑫", "organization/星河大学")},
        ),
        (
            "讲师：周子博，Tidewave 技术布道师 物联网设备的快速增长，带来挑战。",
            {("周子博", "organization/tidewave")},
        ),
        (
            "讲师：余东，青色起源敏捷咨询联合创始人，美国敏捷框架顾问。",
            {("余东", "organization/青色起源敏捷咨询")},
        ),
        (
            "讲师：方忠，苏州星河智能科技有限公司技术经理。",
            {("方忠", "organization/苏州星河智能科技")},
        ),
        # Former employers and the rest of a biography name no one.
        (
            "讲师：余东，星河科技架构师，前德邦、蔚来、GE 敏捷项目管理专家。",
            {("余东", "organization/星河科技")},
        ),
        # A degree and years of experience are no employer; a role word is no name.
        (
            "讲师：张伟，软件工程硕士，20 年 ICT 行业经验。现任星河科技资深开发者布道师。",
            {("张伟", None)},
        ),
    ],
)
def test_a_line_that_lists_the_speakers_names_them_and_their_organizations(summary, expected):
    assert speakers(summary) == expected


def test_a_titles_speakers_may_give_their_organization_in_brackets():
    expected = {("Ana Ruiz", "organization/google"), ("Li Wei", "organization/tidewave")}
    assert title_people("Serving - Ana Ruiz (Google) & Li Wei (Tidewave)") == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Roles and departments between a name and its organization are neither.
        (
            "Serving - Ana Ruiz, Chief Product Officer, Uber & Li Wei, Head of Open Source, Google",
            {("Ana Ruiz", "organization/uber"), ("Li Wei", "organization/google")},
        ),
        (
            "Serving - Ana Ruiz, Technical Strategist, Global Engineering, Uber",
            {("Ana Ruiz", "organization/uber")},
        ),
        # A company's name after a comma is no person, even before "&".
        (
            "Serving - Ana Ruiz, Tidewave Technology & Li Wei, Uber",
            {("Ana Ruiz", "organization/tidewave-technology"), ("Li Wei", "organization/uber")},
        ),
        ("Serving - Jose M Navarro, Uber", {("Jose M Navarro", "organization/uber")}),
    ],
)
def test_roles_and_company_words_in_a_titles_speaker_list(title, expected):
    assert title_people(title) == expected
