"""Speakers the gazetteer does not list, found by how the text introduces them.

People are an open class: a new table brings new speakers. In the clause that says who gives a
talk ("本视频由Uber AI平台工程师Pong和Bharat共同分享", "Presented by Wei Zhang of ByteDance, this
session ..."), a name in a speaker's position becomes a person, tied to the organization the
sentence ties it to: the one after "from"/"of", else the nearest one before it ("Google's Maya").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from kg.coordination import find_listed
from kg.extract import (
    OWN_BEFORE,
    PART_AFTER,
    PART_BEFORE,
    PRODUCTS,
    SPONSORED_BY,
    WE_AFTER,
    WE_AT,
    Found,
    Mention,
    compact,
    field_text,
    find_abbreviations,
    find_products,
    find_projects,
    find_versions,
    labels_by_kind,
    mention_at,
    presenter_clause,
    sentence_spans,
    speaks_as,
)
from kg.ontology import DEFAULT_BASE, KG, KINDS, Entity, Gazetteer, common_words, slug
from kg.rdf import language
from kg.table import Talk, by_talk

LATIN_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
ROLE = r"(?:工程师|经理|负责人|科学家|研究员|成员|创始人|CTO|CEO|博士后|主管|的|和|与|、|由|兼)"
PATTERNS = (
    # Chinese clause: a Latin or Chinese name after a role word or a conjunction, before 和/分享...
    re.compile(
        rf"{ROLE}\s*({LATIN_NAME}|[\u4e00-\u9fff]{{2,3}})(?=\s*(?:和|与|及|、|共同|分享|主讲|呈现|$))"
    ),
    # English clause: a name of two or three words after "by", "and", "'s", "engineers", ",",
    # before "and", "from", "of", a verb or a comma.
    re.compile(
        r"(?:\bby |\band |['’]s |\bengineers |\bresearchers |, |^)"
        r"([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})"
        r"(?= (?:and|from|of)\b|,|\s*$)"
    ),
)
NOT_A_NAME = re.compile(
    r"团队|成员|工程师|专家|同事|研究员|负责人|经理|人员|公司|平台|项目|实验室|大学|视频|演讲|本次|共同"
    r"|大家|我们|他们|开发|社区|用户|技术|主要|详细|深入|分享|介绍|呈现|主讲|带来|探讨"
    r"|专题|议题|主题|内容|话题|方案|系统|框架|模型|工具|管理|面临|问题|策略|提供|考验|设计|高效|工作"
    r"|结合|进展|设施|挑战|计算|企业|同样|首先|目前|如何|已经|通过|这些|那些|以及|分别|来自|选择|重点"
    r"|布道师|架构师|讲师|老师|分析师|设计师|开发者|创始人|总监|主管|硕士|博士"
    r"|\b(?:Lab|Labs|University|Institute|Cloud|Analytics|Inc|Team|Research|Computing|Summit|Conference"
    r"|In|This|The|Presented|From|By|With)\b"
)


# Names in the positions that name them (cues). A person's name: two to four capitalised words
# ("Kwindla Hultman Kramer", "Jyh-Jing Hwang", "Sean DuBois", "Łukasz Langa", "Mia Bajić"), a
# particle between them ("Hugo van Kemenade"), or two to three Chinese characters.
_LATIN = [chr(c) for c in range(0x41, 0x250)]
UPPER = "".join(c for c in _LATIN if c.isupper() and c.isalpha())
LOWER = "".join(c for c in _LATIN if c.islower() and c.isalpha())
UPPER_WORD = rf"(?:[A-Z]['’])?[{UPPER}][{LOWER}]+(?:(?:['’]|-)?[{UPPER}][{LOWER}]+|-[{LOWER}]+)*"
PARTICLE = r"(?:van|von|de|da|del|della|der|den|di|du|dos|das|la|le|ter|ten|bin|al)"
EN_PERSON = rf"{UPPER_WORD}(?: (?:{PARTICLE} )?(?:[A-Z]\.|{UPPER_WORD})){{1,3}}"
# An organization's name: capitalised words, acronyms and names with digits ("Modal Labs", "Ai2").
ORG_WORD = r"[A-Z0-9][A-Za-z0-9_&.’'-]*[A-Za-z0-9_&]|[A-Z]"
# ... joined by "of" or "for" before another capitalised word: "University of Waterloo",
# "Allen Institute for AI", "Chinese Academy of Sciences".
EN_ORG = rf"(?:{ORG_WORD})(?:(?: (?:of|for)(?: the)?)? (?:{ORG_WORD}))*"
EN_NAMES = rf"{EN_PERSON}(?:(?:, |,? and |,? & | y ){EN_PERSON})*"
# Words that make a capitalised phrase an organization or a thing, not a person.
NOT_A_PERSON = re.compile(
    r"\b(?:Labs?|University|Institute|Inc|Corp|AI|Research|Team|Cloud|Group|Foundation|Summit"
    r"|Conference|Day|This|The|In|From|With|By|Presented|Join|We|Our|PyTorch|Kubernetes|Principal"
    r"|Senior|Developer|Advocate|Engineer|Manager|Director|Head|Chief|Officer|Founder|Scientist"
    r"|Staff|Product|Models?|Learning|Language|Data|Machine|Retrieval|Generation|Agents?|School"
    r"|College|Department|Center|Centre|Academy|Council|Committee|Society|Association|Authorit(?:y|ies)"
    r"|Agency|Ministry|Office|Inspectorate|Government|Commission|Bureau|Administration"
    r"|At|As|For|On|If|When|While|After|Before|Today|Best|Lessons|Tips|Tricks|Patterns|Pitfalls"
    r"|Practices|Challenges|Strategies|Insights|Learnings|Takeaways|Overview|Introduction"
    # words of a company's or a department's name: "Allianz Technology", "Resource Management"
    r"|Technology|Technologies|Systems|Solutions|Software|Networks|Services?|Bank|Games|Security"
    r"|Consulting|Capital|Partners|Ventures|Media|Digital|Analytics|Robotics|Computing|Studios?"
    r"|Industries|Holdings|Engineering|Management|Platform|Infrastructure|Operations|Technical"
    r"|Leads)\b"
)
EN_ROLE = (
    r"(?:co-?founder|founder|CEO|CTO|CPO|COO|VP|head|director|manager|lead|engineer|scientist"
    r"|researcher|architect|advocate|professor|member|staff|maintainer|developer|partner|president"
    r"|student|fellow|chair|principal|senior|staff|product|research|applied|software|technical)"
)
# Words that open a sentence naming the speakers: "Presented by A", "From X, A and B".
EN_OPENING = (
    r"(?:In|On|During) this (?:[a-z][\w-]* ){0,2}[a-z]\w*,? (?:(?:first(?:ly)?|also|then),? )?"
    r"|(?:Presented|Hosted|Led|Given|Taught) by |By |With "
    r"|(?:Finally|Here|Next|Today|Moreover|Additionally|Furthermore|In addition|Also|Then|Lastly),? "
    r"|From \w[\w ]*?, "
    r"|En esta (?:charla|sesión|presentación)(?: de [\w ]+?)?,? "
)
# Spanish verbs that say who gives the talk: "A y B exploran", "A te invita", "A presenta".
ES_VERB = (
    r"(?:te |les |nos )?(?:explor|present|compart|muestr|explic|invit|analiz|introduc|describ"
    r"|enseñ)(?:a|an|e|en)\b"
)
# "From X, A and B"; X may be a brand in lower case ("From theator, A, B and C"). Tried before
# OPENING_CUE, which would take the names without X.
FROM_CUE = re.compile(rf"^From (?P<org_before>{EN_ORG}|[a-z][a-z0-9]+), (?P<names>{EN_NAMES})")
# "Presented by A, B and C", "By A and B", "With A and B" at a sentence's start, or a list of
# names that begins the sentence before a verb: "A, B and C present ...".
OPENING_CUE = re.compile(rf"^(?:{EN_OPENING})?(?P<names>{EN_NAMES})")
# A verb right after a name (and its organization) that says the person gives the talk: such a
# cue counts in any sentence ("… Google's A presents the approach"), the others in the first two.
INTRODUCES = re.compile(
    r",? (?:also |then |further |first |briefly )?(?:(?:will |aims? to \w+ |aims? to )?(?:present"
    r"|explore|discuss|share|show|showcase|demonstrate|introduce|walk|explain|describe|cover|talk"
    r"|highlight|provide|delve|dive|detail|outline|review|examine|unveil|reveal|teach|navigate|take"
    r"|give|start|go|look)(?:e?s)?)\b"
    rf"| {ES_VERB}"
)
# "X engineers A and B", "NVIDIA solutions architects A and B".
ROLE_CUE = re.compile(
    rf"^(?:In this \w+, )?(?P<org_before>{EN_ORG}) (?:[a-z][\w-]* ){{0,3}}[a-z][a-z-]+ "
    rf"(?P<names>{EN_NAMES})"
)
EN_CUES = (
    FROM_CUE,
    OPENING_CUE,
    # "X's A and B": the organization before, a name list after.
    re.compile(rf"(?P<org_before>{EN_ORG})['’]s (?P<names>{EN_NAMES})"),
    ROLE_CUE,
    # Last, after the cues that also name an organization: "Along the way, A explores ...", "In
    # the first part of the talk A starts by ...": names anywhere in the sentence right before
    # such a verb; not after a determiner ("This Deep Dive provides") or where an organization
    # stands ("CEO of Reflection Misha Laskin will present").
    re.compile(
        r"(?<=[a-z,] )(?<![Tt]his )(?<![Tt]he )(?<![Oo]ur )(?<!\ban )(?<!\ba )"
        r"(?<!\bof )(?<!\bat )(?<!\bfrom )(?<!\bfor )"
        rf"(?P<names>{EN_NAMES})(?={INTRODUCES.pattern})"
    ),
)
# What ties a name to the organization after it: "A of X", "A from X", "A (X)",
# "A, CTO of X", "A, senior engineer at X", "A and B of X", "A, scientist at the X Lab",
# "A, who leads the strategy for AI at X".
EN_AFTER = re.compile(
    rf"(?:,? (?:of|from|at) |,? \(|(?:,| and) (?:(?:and|{EN_ROLE}|[A-Za-z-]+) ){{0,5}}(?:of|at) "
    r"|, who (?:[A-Za-z-]+ ){1,10}?at )"
    rf"(?:the )?(?P<org>{EN_ORG})(?=[ ,.;:)]|$)"
)
# A Chinese organization's name: a few characters (no function words) ending in an
# organization word: "蚂蚁集团", "趋动科技", "江苏纵目信息科技有限公司", "上海交通大学".
ZH_ORG_CHAR = r"[^\s\W\da-zA-Z的了是在从和与将该本这等对把被为时中及或并也都就由以其他她们我你]"
ZH_ORG_WORD = (
    r"(?:有限公司|公司|集团|科技|大学|学院|研究院|研究所|实验室|股份|银行|金融|信息|数据"
    r"|云(?!原生|计算|平台|服务|端|存储|产品|架构|上))"
)
ZH_ORG = rf"中?(?:{ZH_ORG_CHAR}|[（）()]){{1,10}}{ZH_ORG_WORD}"
# ... without brackets, inside a bracket: "A（X软件工程师）".
ZH_ORG_PLAIN = rf"中?{ZH_ORG_CHAR}{{1,10}}{ZH_ORG_WORD}"
LATIN_ORG = r"[A-Za-z][A-Za-z0-9_.&-]*(?: [A-Z][A-Za-z0-9_.&-]*){0,2}"
ZH_ROLE = (
    r"(?:(?:(?!和|与(?![\u4e00-\u9fff]{1,6}(?:系|学院|研究所|中心)))[\u4e00-\u9fffA-Za-z0-9 .+/&-]){0,14}?(?:工程师|专家|经理|总监|架构师|负责人|创始人|CTO|CEO|COO"
    r"|研究员|开发者|布道师|布道者|教授|讲师|主管|总裁|VP|成员|主任|科学家|顾问|技术员|博士|学者|院长"
    r"|总经理|董事长|MVP|PMC|使者|大使|爱好者|作者|发起人"
    r"|(?i:maintainer|committer|contributor|ambassador))(?:之一)?[、，, ]*)+"
)
# Words for a group that are no company's name: "团队研发工程师A".
GROUP = r"(?:团队|社区|项目|平台|部门|公司|小组)"
# The first word of a role after a company's name: "研发工程师", "产品研发总监", "CEO".
ROLE_START = (
    r"(?:研发|产品|技术|高级|资深|首席|软件|系统|平台|云|解决方案|架构|算法|运维|测试|开发|前端|后端"
    r"|数据|安全|创始人|联合创始人|CEO|CTO|COO|VP|DevOps|SRE|AI|[A-Z][a-z]+ (?:Engineer|Architect))"
)
# A Chinese name is two or three characters; a third that usually begins the next word ("许坤在",
# "彭柳认为") is not part of it.
HAN_NAME = r"[\u4e00-\u9fff]{2}(?:(?![在是为将从以认对曾现于和与的及等同了])[\u4e00-\u9fff])?"
ZH_NAME = rf"{HAN_NAME}|[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}"
ZH_FULL_NAME = rf"{HAN_NAME}|[A-Z][a-z]+(?: [A-Z][a-z]+){{1,2}}"
ZH_FOLLOWER = (
    r"(?=介绍|分享|指出|探讨|带来|对比|专注|负责|认为|为|从|通过|以|基于|将|在|现|曾|深入|详细|解读"
    r"|讲解|老师|（|\(|：|:|，|,|、|和|与|的|\s|$|同时|目前|主要|结合|聚焦|围绕|表示|展示|演示|阐述|剖析"
    r"|就|共同|主讲|呈现|是|。|；|$)"
)
ZH_CUES = (
    # "由A（高级软件工程师，2016 年加入X）", "作者A（2018 年加入X，担任 CTO）": the company a
    # bio says the person joined; before the cues that would take the name alone.
    re.compile(
        rf"(?:^|(?<=[由，者师人监长理\s]))(?!由)(?P<name>{ZH_FULL_NAME})[（(][^（）()]*?(?<!曾)加入了?\s*"
        rf"(?P<org>{LATIN_ORG}|{ZH_ORG_CHAR}{{2,8}}?)(?=\s*(?:[，,；;）)]|担任|任职))"
    ),
    # "X公司技术专家、AI 系统工程师A介绍", "Tetrate 工程师A", at a clause's start or after 由/来自.
    re.compile(
        rf"(?:^|由|来自|，)(?P<org>{ZH_ORG}|{LATIN_ORG})\s*(?:的\s*)?{ZH_ROLE}(?P<name>{ZH_NAME}){ZH_FOLLOWER}"
    ),
    # "武汉理工大学李四分享", "X公司张三介绍": an organization word right before a name and a
    # verb of speaking.
    re.compile(
        rf"(?:^|由|，)(?!来自)(?P<org>{ZH_ORG})\s*(?!的)(?P<name>{ZH_FULL_NAME})(?=分享|介绍|带来|讲解|主讲|解读)"
    ),
    # "来自X的A", "X的A老师", "由X的A（…）分享".
    re.compile(rf"来自\s*(?P<org>[^，。；]{{1,20}}?)\s*的\s*(?P<name>{ZH_FULL_NAME}){ZH_FOLLOWER}"),
    re.compile(
        rf"(?:^|由)(?:(?P<org>{ZH_ORG}|{LATIN_ORG})|(?P<known>[\u4e00-\u9fff]{{2,8}}))\s*的\s*"
        rf"(?P<name>{ZH_NAME})(?=老师|（|\(|分享|介绍|主讲|带来|呈现)"
    ),
    # "由A（X 产品经理）", "由A（X软件工程师）", "A（X）".
    re.compile(
        rf"(?:^|由)\s*(?P<name>{ZH_NAME})[（(](?P<org>{LATIN_ORG}|{ZH_ORG_PLAIN})"
        rf"(?=[\s）)，,/]|{ZH_ROLE})"
    ),
    # "由A（高级软件工程师）": a role and no organization.
    re.compile(rf"(?:^|由)\s*(?P<name>{ZH_FULL_NAME})[（(](?={ZH_ROLE}[，,）)])"),
    # "演讲者 A 是X的 Staff SRE", "讲师A是 X 云安全研究员": the name, then the organization it
    # works for, before "的" or a role.
    re.compile(
        rf"(?:演讲者|讲师|嘉宾|主讲人)\s*(?P<name>{ZH_FULL_NAME})\s*是\s*(?P<org>{ZH_ORG}|{LATIN_ORG})"
        rf"\s*(?:的|(?={ZH_ROLE}))"
    ),
    # "航天网信研发工程师A带来", "提灯医疗 CEO A 带来": a company nobody listed, the words before
    # the first word of a role, at a clause's start, before a verb of speaking.
    re.compile(
        rf"(?:^|由|，)(?P<org>(?!{GROUP}){ZH_ORG_CHAR}{{2,8}}?)\s*(?={ROLE_START}){ZH_ROLE}\s*"
        rf"(?P<name>{ZH_FULL_NAME})\s*(?=带来|分享|介绍|主讲|解读|讲解)"
    ),
    # A role and a name with no organization the words can tell: "阿里巴巴算法专家A", "讲师A".
    re.compile(rf"(?:^|由|，)[^，。：:]{{0,24}}?{ZH_ROLE}(?P<name>{ZH_FULL_NAME}){ZH_FOLLOWER}"),
    re.compile(rf"(?:演讲者|讲师|嘉宾|主讲人)(?:是|为)?\s*(?P<name>{ZH_FULL_NAME}){ZH_FOLLOWER}"),
)
# Words after a name that make it a project, not an employer: "Spring AI Alibaba Maintainer".
PROJECT_ROLE = re.compile(
    r"\s*(?:(?i:maintainer|committer|member|contributor|ambassador)|PMC|MVP|成员|维护者|社区|作者|发起人)"
)
PROJECT_ROLE_EN = re.compile(
    r"\b(?:maintainer|creator|contributor|committer|author|member|lead)s?\b[^,.;]*$", re.IGNORECASE
)
NEXT_ORG = re.compile(
    rf"[、，,]\s*(?P<org>{ZH_ORG})(?=\S{{0,8}}?(?:工程师|专家|经理|总监|架构师|负责人))"
)
# A second name joined to the one before it: "…工程师王刚峰和云原生开发工程师张家华分享".
ZH_MORE = re.compile(rf"\s*(?:和|与|、)\s*(?:{ZH_ROLE})?(?P<name>{ZH_NAME}){ZH_FOLLOWER}")
# A verb that says the names give the talk: "A and B present", "A, CTO of X, explains why".
EN_VERB = re.compile(
    r"\b(?:will (?:present|show|explain|introduce|share|walk|discuss|describe|give|talk|cover|demo)"
    r"|(?:present|show|explain|introduce|share|walk|discuss|describe|give|make|report|talk|look"
    r"|demonstrate|cover|compare|detail|argue|reveal|outline|dive|unveil|lay|take|tell|teach|offer"
    r"|bring|propose|highlight|lead|run|host|explore|examine|delve|review|address|tackle|showcase"
    r"|start|go"
    r"|unpack|illustrate|summari[sz]e|analy[sz]e|investigate|recount)(?:es|s)?)\b"
    rf"|\b{ES_VERB}"
)
# Words after an organization's name for a part of it.
UNIT = re.compile(r"(?: (?:Research|Labs?|AI|Team|Group|Engineering|Platform))+")
# What may stand between such a name and the verb: the other names, the organization.
INTRODUCED = re.compile(
    rf"(?:(?:, |,? and |,? & ){EN_PERSON})*(?:(?:{EN_AFTER.pattern})\)?|, {EN_ORG},)?"
    + INTRODUCES.pattern
)
# A biography's first words: "A is a Staff Engineer at X", "A is the CTO of X".
EN_BIO = re.compile(
    rf" is (?:an?|the) (?:[A-Za-z-]+ ){{0,4}}?(?i:{EN_ROLE})s? (?:at|of|with) (?:the )?"
    rf"(?P<org>{EN_ORG})(?=[ ,.;:)]|$)"
)
SPONSOR = re.compile(rf"{SPONSORED_BY}(?P<org>{EN_ORG})(?=\))")
# The organization an abstract speaks as: "At X, we", "At roboMUA we're", "At scieneers, we",
# "we at X", "my own gaming company, X", "our team within X's Logistics department".
OURS = (
    re.compile(rf"{WE_AT}(?P<org>{EN_ORG}|[a-z]+[A-Z]\w*|[a-z][a-z0-9]+(?={WE_AFTER.pattern}))"),
    re.compile(rf"{OWN_BEFORE}(?P<org>{EN_ORG})"),
    re.compile(rf"{PART_BEFORE}(?P<org>{EN_ORG})(?={PART_AFTER.pattern})"),
)
# A schedule's title ends in its speakers: "Title - A, X & B, Y", "Title - A & B, X; C, Y"
# (KubeCon's form). The people after the last dash, each list of names followed by its
# organization; a legal form ("Glennium, LLC", "Prewave GmbH") is not part of the name.
TITLE_TAIL = re.compile(r" [-–—] (?=(?:(?! [-–—] ).)+$)")
# A summary's line that lists the speakers: "Speakers: A, X; B, Y", "演讲嘉宾：张伟（谷歌）".
SPEAKER_LABEL = re.compile(
    r"(?:Speakers?|Presenters?|Presented by|Speaker\(s\)|演讲嘉宾|分享嘉宾|嘉宾|讲师|分享人|演讲人"
    r"|主讲人|讲者|演讲者|主讲)\s*[:：]\s*"
)
LIST_END = re.compile(r"[.!?](?=\s|$)|[。！？\n]")
LIST_SEPARATOR = re.compile(r"\s*(?:[,;&|，；、]|\band\b|(?<=[\u4e00-\u9fff])/)\s*")
# A line's first name and then, after a space, the abstract: "讲师： 朱唯唯 JuiceFS 基于…".
NAME_THEN_TEXT = re.compile(rf"(?P<name>{HAN_NAME}|{UPPER_WORD}(?: {UPPER_WORD})?) (?=\S)")
PERSON_ITEM = re.compile(
    rf"{EN_PERSON}(?: [A-Z])?|{UPPER_WORD} [A-Z](?: {UPPER_WORD})?|{HAN_NAME}"  # "Jose M Navarro"
)
# A title's words in a name's place: "Ray Serve - Scaling Pipelines, Lessons Learned".
NOT_A_FIRST_NAME = re.compile(r"[A-Z][a-z]{2,}(?:ing|tion|sion|ment|ness)\b")
# "A (X)", "张伟（谷歌资深工程师）".
NAME_AND_ORG = re.compile(rf"(?P<name>{EN_PERSON}|{HAN_NAME})\s*[(（](?P<org>[^()（）]+)[)）]")
# A role alone ("Staff Engineer", "Head of AI"), or one before its organization ("at X").
ROLE_ITEM = re.compile(
    rf"(?i:(?:{EN_ROLE}s?|of|and|the|ai|ml|data|cloud|platform)(?: |-|$))+"
    # a role by its last word ("Chief Product Officer", "Cloud Native Developer") or its first
    # ("Head of Open Source")
    r"|(?:[\w&/+-]+ ){0,4}(?i:officer|director|manager|engineer|developer|specialist|technologist"
    r"|architect|scientist|researcher|lead|consultant|evangelist|advocate|founder|president|cto"
    r"|ceo|cpo|coo|cio|ciso|sre|maintainer|contributor|committer|chair|fellow|professor|student"
    r"|intern|analyst|designer|strategist|owner|expert|leader|programmer|engineering"
    r"|infrastructure|marketing|sales|operations)s?"
    r"|(?i:head|vp|director|chief|lead|manager|leader) of .+"
)
EMPLOYER_AT = re.compile(r".*?\b(?:at|@) (?P<org>\S.*)$")
# "现任亚马逊云科技资深开发者布道师": the current employer's words follow.
ZH_CURRENT = re.compile(r"(?:现任|现为|现就职于|就职于|任职于|目前(?:就职|任职)于)\s*")
# The organization's own words end at a word for its kind, a strong one first ("西交利物浦大学
# 产金融合学院" is the university), without a legal form ("江苏纵目信息科技有限公司").
ZH_EMPLOYER = (
    re.compile(
        rf"中?{ZH_ORG_CHAR}{{1,10}}(?:有限公司|公司|集团|科技|大学|学院|研究院|研究所|实验室|银行)"
    ),
    re.compile(rf"中?{ZH_ORG_CHAR}{{1,10}}{ZH_ORG_WORD}"),
)
ZH_LEGAL_FORM = re.compile(r"(?:股份)?有限公司$")
ZH_NO_EMPLOYER = re.compile(r"(?:硕士|博士|学士|研究生|本科)$|\d+\s*(?:年|多年)")
ZH_ROLE_WORD = (
    r"(?:工程师|专家|经理|总监|架构师|负责人|联合创始人|创始人|研究员|科学家|布道师|顾问|主管|总裁|作者|站长"
    r"|主任|委员|教授|学生|合伙人|CTO|CEO|VP)"
)
# A role after the organization, and what the line says after it ("EMQ 技术布道师 物联网…").
ZH_ROLE_TAIL = re.compile(rf"(?:{ROLE_START}[\u4e00-\u9fffA-Za-z ]{{0,6}}?)?{ZH_ROLE_WORD}(?=\s|$)")
ZH_ROLE_ALONE = re.compile(ZH_ROLE_WORD)
LEGAL_WORD = (
    r"(?:LLC|L\.L\.C\.|Inc\.?|Ltd\.?|Co\.,? Ltd\.?|GmbH|AG|S\.?A\.?|B\.?V\.?|Corp\.?|PLC"
    r"|plc|SAS|SRL|Oy|AB|AS|ApS|Pty Ltd|LLP)"
)
LEGAL_FORM = re.compile(rf"(?:,? {LEGAL_WORD})+$")
LEGAL_ITEM = re.compile(LEGAL_WORD)
ZH_FORMER = re.compile(r"[前曾](?:任|在|就职于)?[\u4e00-\u9fff]")
NO_EMPLOYER = {"independent", "freelance", "freelancer", "self-employed", "student", "retired"}
# The part of a series, not an organization: "Serving - Lessons Learned, Part 2".
SERIES = re.compile(r"(?:Part|Vol\.?|Volume|Episode|Chapter|Day|Round|Season|Week) \w+")
# "A, X, discusses": the organization between commas, before a verb that says A speaks.
EN_BETWEEN = re.compile(rf", (?P<org>{EN_ORG}), (?={EN_VERB.pattern})")
# More names after a cue's organization: "A (X) and B (Y)", "X's A, with B and C".
EN_MORE = re.compile(rf"\)?(?: and {EN_ORG})?,? (?:and|with) (?P<names>{EN_NAMES})")
EN_PREFIX = re.compile(EN_OPENING)
GENERIC = {"ai", "ml", "llm", "it", "apm", "pmc", "ide", "api", "gpu", "cpu", "the", "this", "our"}
GENERIC |= {"they", "we", "he", "she", "you", "i", "these", "those", "here", "there", "then"}
# Words that begin a sentence before a name, never an organization: "Presented by A".
GENERIC |= {"presented", "hosted", "given", "led", "join", "joined", "from", "with", "by", "in"}


def find_speakers(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[Gazetteer, list[Mention]]:
    """The gazetteer grown by the entities found, and their mentions."""
    people, found = new_people(gazetteer, talks, mentions)
    return with_people(gazetteer, people), found


def new_people(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[dict[str, Entity], list[Mention]]:
    """The entities found in the text that the gazetteer does not list (by pattern, versions of
    its models and hardware, the software a product word names after a model or a company, and
    the foundations' projects; then people and organizations by cue, and names in lists beside
    known ones; a key found twice keeps its last finding), and their mentions, with those of the
    short forms a talk spells out. Each talk's findings depend on that talk alone, so chunks of
    talks can be searched apart (kg.engine) and their entities merged in order."""
    talks = list(talks)
    versions, versioned = find_versions(gazetteer, talks, mentions)
    abbreviated = find_abbreviations(gazetteer, talks, mentions)
    products, named = find_products(gazetteer, versions, talks, mentions + versioned + abbreviated)
    projects, projected = find_projects(gazetteer, talks)
    cued, by_cue = _cued(gazetteer, talks, mentions + abbreviated, projected)
    grown = Gazetteer({**gazetteer.entities, **cued}, gazetteer.tracks, gazetteer.graph)
    people, found = _people(grown, talks, mentions + abbreviated + by_cue)
    so_far = mentions + versioned + named + projected + abbreviated + by_cue + found
    # the gazetteer's own labels and keys: `grown` would make its label index again (a new dict)
    listed, beside = find_listed(gazetteer, talks, so_far)
    return {**versions, **products, **projects, **cued, **people, **listed}, sorted(
        versioned + named + projected + abbreviated + by_cue + found + beside
    )


def _cued(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention], patterned: list[Mention]
) -> tuple[dict[str, Entity], list[Mention]]:
    """People and organizations named by the cues of the sentences that introduce a talk's
    speakers (the summary's first two; a later one before a verb such as "presents"): "A from
    X", "A, CTO of X", "A, X, discusses", "X's A and B", "A and B of X", "Presented by A (X)",
    "X公司技术专家A介绍", "来自X的A", "A（X 产品经理）"; a line that lists them ("Speakers: A,
    X; B, Y", "演讲嘉宾：A（X）"); a title's "Title - A, X & B, Y". A person's affiliation is the
    organization its cue names, never another one in the text. `patterned`: names a pattern
    found, which no cue takes."""
    known = labels_by_kind(gazetteer)
    of_talk = by_talk(m for m in mentions if m.field == "summary")
    of_title = by_talk(m for m in mentions if m.field == "title")
    of_pattern = by_talk(m for m in patterned if m.field == "summary")
    made: dict[str, Entity] = {}
    found: list[Mention] = []
    for talk in talks:
        listed = of_talk.get((talk.source, talk.line), [])
        # the names found by the cues, and those a pattern found ("Apache Arrow" is no person)
        spans = [(m.start, m.end) for m in of_pattern.get((talk.source, talk.line), [])]
        titled = of_title.get((talk.source, talk.line), [])
        named: dict[str, Entity] = {}  # and the people they are
        for name, org in title_speakers(talk.title, known):
            taken = _taken(titled, name)
            affiliation = None
            if org is not None:
                affiliation = _organization(
                    gazetteer, talk, org, titled, known, made, found, "title"
                )
            if any(gazetteer.entities[m.entity].affiliation == affiliation for m in taken):
                continue  # the person the gazetteer knows, at the organization it knows
            text = talk.title[slice(*name)]
            person = named[text] = _person(gazetteer, made, text, affiliation, talk.event)
            found.append(mention_at(talk, "title", talk.title, *name, person, "cue"))
        sentences = (
            span for span in sentence_spans(talk.summary) if talk.summary[slice(*span)].strip()
        )
        for index, (first, last) in enumerate(sentences):
            if index >= 2 and not INTRODUCES.search(talk.summary, first, last):
                continue
            chinese = re.search("[\u4e00-\u9fff]", talk.summary[first:last]) is not None
            for name, org in _cues(talk.summary, first, last, orgs_of(listed)):
                if index >= 2 and not INTRODUCED.match(talk.summary, name[1]):
                    continue  # a later sentence names a speaker only right before such a verb
                taken = _taken(listed, name)
                known_people = [m for m in taken if m.entity.startswith("person/")]
                if any(s < name[1] and name[0] < e for s, e in spans) or (
                    taken and (org is None or chinese or len(known_people) < len(taken))
                ):
                    # A name found already, or one the gazetteer knows; only an English cue
                    # ("A, engineer at X") ties a known name to another employer: a namesake.
                    continue
                text = talk.summary[name[0] : name[1]]
                if text in named:  # named again ("… A will demonstrate"): the same person
                    spans.append(name)
                    found.append(
                        mention_at(talk, "summary", talk.summary, *name, named[text], "cue")
                    )
                    continue
                affiliation = None
                if org is not None:
                    affiliation = _organization(gazetteer, talk, org, listed, known, made, found)
                    tied = {gazetteer.entities[m.entity].affiliation for m in known_people}
                    if known_people and (affiliation is None or affiliation in tied):
                        continue  # the person the gazetteer knows, at the organization it knows
                elif chinese:
                    # "谷歌软件工程师A": the organization right before the role, if the gazetteer knows it
                    affiliation = _affiliation(talk.summary, orgs_of(listed), name[0], name[1])
                spans.append(name)
                person = named[text] = _person(gazetteer, made, text, affiliation, talk.event)
                found.append(mention_at(talk, "summary", talk.summary, *name, person, "cue"))
        for pattern in OURS:  # "At roboMUA we're ...", "my company, X": the authors' own
            for match in pattern.finditer(talk.summary):
                word = match.group("org")
                if word.islower() and word in common_words():
                    continue  # "At first, we ..."
                if speaks_as(talk.summary, *match.span("org")):
                    _organization(gazetteer, talk, match.span("org"), listed, known, made, found)
        for match in SPONSOR.finditer(talk.title):  # "(Sponsor: Algorand)": the company giving it
            _organization(gazetteer, talk, match.span("org"), titled, known, made, found, "title")
    return made, sorted(set(found))


def title_speakers(
    title: str, known: dict[tuple[str, str], Entity]
) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """The speakers a title names after its last dash, "Title - A, X & B, Y" (`speaker_list`)."""
    tail = list(TITLE_TAIL.finditer(title))
    if not tail:
        return []

    def known_org(start: int, end: int) -> bool:
        return ("organization", compact(title[start:end])) in known

    return speaker_list(title, tail[-1].end(), len(title), known_org)


def speaker_list(
    text: str,
    start: int,
    end: int,
    known_org: Callable[[int, int], bool],
    labelled: bool = False,
) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """(name span, organization span or None) for each speaker of a list such as "A, X & B, Y",
    "A & B, X; C, Y", "A (X), B (Y)", "张伟（谷歌）、李娜，百度资深工程师": names wait for the next
    item that is not one, their organization (the last item of the list or of a ";" group always
    is); a role is no organization ("A, Staff Engineer at X" names X). Nothing unless the first
    item is a name and some organization follows it, or the list is `labelled` ("Speakers: A
    and B"). `known_org`: whether the gazetteer knows the words at a span as an organization
    ("Red Hat" is no person)."""
    legal = LEGAL_FORM.search(text[:end], start)
    stop = legal.start() if legal else end
    items = [(a, b) for a, b in _items(text, start, stop) if a < b]
    speakers: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    waiting: list[tuple[int, int]] = []
    for index, (first, last) in enumerate(items):
        words = text[first:last]
        # the last item of the list or of a ";" group, after a comma: "A & B, X"
        after = index == 0 or re.search("[,，]", text[items[index - 1][1] : first])
        final = after and (
            index == len(items) - 1 or re.search("[;；]", text[last : items[index + 1][0]])
        )
        bracketed = NAME_AND_ORG.fullmatch(words)
        if bracketed and not NOT_A_PERSON.search(bracketed["name"]):
            org = _employer(text, first + bracketed.start("org"), first + bracketed.end("org"))
            name = (first + bracketed.start("name"), first + bracketed.end("name"))
            speakers += [(n, org) for n in waiting] + [(name, org)]
            waiting = []
            continue
        if ZH_FORMER.match(words):
            break  # "前德邦、蔚来、GE …": former employers, the rest of a biography
        if LEGAL_ITEM.fullmatch(words) or _role_or_degree(words):
            continue  # the legal form of the organization before ("Glennium, LLC"), a role
        person = (
            PERSON_ITEM.fullmatch(words)
            and not NOT_A_PERSON.search(words)
            and not NOT_A_NAME.search(words)
            and not NOT_A_FIRST_NAME.match(words)
        )
        if person and not known_org(first, last) and not (final and waiting):
            waiting.append((first, last))
            continue
        if labelled and index == 0 and (alone := NAME_THEN_TEXT.match(words)):
            return [((first, first + alone.end("name")), None)]  # "讲师： 朱唯唯 JuiceFS …"
        if SERIES.fullmatch(words):
            return []
        if not waiting:
            if not speakers:
                return []  # "Serving - Lessons Learned" has no organization after a name
            break  # the list is over: "Chronosphere | A Palo Alto Networks Company"
        org = _employer(text, first, last)
        speakers += [(name, org) for name in waiting]
        waiting = []
    if waiting and not speakers and not labelled:
        return []
    return speakers + [(name, None) for name in waiting]


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The items of a list, as spans without the spaces around them."""
    position = start
    for separator in LIST_SEPARATOR.finditer(text, start, end):
        item = text[position : separator.start()]
        if item.count("(") + item.count("（") > item.count(")") + item.count("）"):
            continue  # inside brackets: "A (Senior Engineer, X)"
        yield position, separator.start()
        position = separator.end()
    yield position, len(text[:end].rstrip(" .。"))


def _employer(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The organization in an item of a speaker list: the item, or the words after "at" ("Staff
    Engineer at X"), or, in Chinese, after "现任" and up to a word for an organization or before a
    role ("青云科技解决方案架构师", "字节跳动 资深工程师"), or the part that is no role ("Senior
    Engineer, X"); None for "Independent" or a degree ("软件工程硕士")."""
    parts = [(a, b) for a, b in _items(text, start, end) if not _no_employer(text[a:b])]
    if not parts:
        return None
    start, end = parts[0]
    if current := ZH_CURRENT.match(text, start, end):
        start = current.end()
    words = text[start:end]
    if at := EMPLOYER_AT.match(words):
        return start + at.start("org"), end
    for employer in ZH_EMPLOYER:
        if org := employer.match(words):
            legal = ZH_LEGAL_FORM.search(org.group())
            return start, start + (legal.start() if legal else org.end())
    if (role := ZH_ROLE_TAIL.search(words, 2)) is not None:
        return start, start + len(words[: role.start()].rstrip())
    return start, end


def _no_employer(words: str) -> bool:
    """A role, a degree, a former employer, or no employer at all ("Independent")."""
    return (
        _role_or_degree(words)
        or ZH_FORMER.match(words) is not None
        or words.casefold() in NO_EMPLOYER
    )


def _role_or_degree(words: str) -> bool:
    """A role ("Staff Engineer", "《LangChain 实战》作者"), a degree or years of experience."""
    return (
        ROLE_ITEM.fullmatch(words) is not None
        or ZH_NO_EMPLOYER.search(words) is not None
        or words.startswith("《")
        or ZH_ROLE_ALONE.fullmatch(words) is not None
    )


def _taken(listed: list[Mention], name: tuple[int, int]) -> list[Mention]:
    """The gazetteer's mentions that overlap a cue's name, but not a product or technique inside
    it: "Falcon" in "William Falcon" and "Moe" in "Yngve Mardal Moe" do not take the name."""
    start, end = name
    return [
        m
        for m in listed
        if m.start < end
        and start < m.end
        and not (
            m.entity.split("/")[0] in (*PRODUCTS, "technique")
            and start <= m.start
            and m.end <= end
            and m.end - m.start < end - start
        )
    ]


def _cues(
    text: str, first: int, last: int, orgs: list[Mention]
) -> Iterator[tuple[tuple[int, int], tuple[int, int] | None]]:
    """(name span, organization span or None) for each person the cues of one sentence name;
    `orgs` are the organizations the gazetteer found in the text."""
    sentence = text[first:last]
    offset = first + len(sentence) - len(sentence.lstrip())
    sentence = sentence.strip()
    if label := SPEAKER_LABEL.match(sentence):

        def known_org(start: int, end: int) -> bool:
            return any(m.start <= start and end <= m.end for m in orgs)

        # the list's own end: a sentence ends at ";" too
        start = offset + label.end()
        while again := SPEAKER_LABEL.match(text, start):  # "讲师：讲师：A"
            start = again.end()
        stop = LIST_END.search(text, start)
        stop_at = stop.start() if stop else len(text)
        yield from speaker_list(text, start, stop_at, known_org, labelled=True)
        return
    if re.search("[\u4e00-\u9fff]", sentence):
        yield from _zh_cues(sentence, offset, orgs)
        return
    for pattern in EN_CUES:
        for match in pattern.finditer(sentence):
            end = match.end("names")
            org = None
            if "org_before" in match.groupdict() and match.group("org_before"):
                if match.group("org_before").casefold() in GENERIC:
                    continue  # "They introduce Compiled Autograd": no organization, no names
                word, (org_start, org_end) = match.group("org_before"), match.span("org_before")
                known = any(m.start < org_end + offset and org_start + offset < m.end for m in orgs)
                if pattern is ROLE_CUE and not known and word.casefold() in common_words():
                    continue  # "Existing gateways like Gateway Inference Extension"
                org = match.span("org_before")
            after = _org_after(sentence, end)
            bio = EN_BIO.match(sentence, end) if pattern is OPENING_CUE else None
            if tie := after or bio:
                org = tie.span("org")
            if (
                pattern is OPENING_CUE
                and not bio
                and not EN_PREFIX.match(sentence)
                and not EN_VERB.search(sentence, end)
            ):
                continue  # a capitalised phrase that begins a sentence is a name only before a verb
            yield from _names(sentence, offset, match.start("names"), end, org)
            position = after.end() if after else end
            while more := EN_MORE.match(sentence, position):
                after = _org_after(sentence, more.end("names"))
                yield from _names(
                    sentence,
                    offset,
                    more.start("names"),
                    more.end("names"),
                    after.span("org") if after else org,
                )
                position = after.end() if after else more.end()


def _org_after(sentence: str, end: int) -> re.Match[str] | None:
    """The organization the words after a name tie it to: "A of X", "A, CTO of X", "A, X, says"."""
    return EN_AFTER.match(sentence, end) or EN_BETWEEN.match(sentence, end)


def orgs_of(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.entity.startswith("organization/")]


def _names(
    sentence: str, offset: int, start: int, end: int, org: tuple[int, int] | None
) -> Iterator[tuple[tuple[int, int], tuple[int, int] | None]]:
    placed = (org[0] + offset, org[1] + offset) if org else None
    for person in re.finditer(EN_PERSON, sentence[start:end]):
        if not NOT_A_PERSON.search(person.group()):
            yield (offset + start + person.start(), offset + start + person.end()), placed


def _zh_cues(
    sentence: str, offset: int, orgs: list[Mention]
) -> Iterator[tuple[tuple[int, int], tuple[int, int] | None]]:
    for pattern in ZH_CUES:
        for match in pattern.finditer(sentence):
            org: tuple[int, int] | None = None
            if match.groupdict().get("known"):
                # "由阿里巴巴的A（…）": words of any shape, if the gazetteer knows them as a company
                start, end = match.start("known") + offset, match.end("known") + offset
                if not any(m.start < end and start < m.end for m in orgs):
                    continue
                org = match.span("known")
            elif match.groupdict().get("org") is not None:
                org = match.span("org")
                words = match.group("org").split()
                if PROJECT_ROLE.match(sentence, org[1]) or PROJECT_ROLE.fullmatch(words[-1]):
                    org = None  # "SkyWalking PMC 成员": a project's role, not an employer
                elif match.group("org").strip().casefold() in GENERIC:
                    continue
                else:  # the organization nearest the name: "KubeSphere Maintainer、视源股份运维工程师A"
                    later = list(NEXT_ORG.finditer(sentence, org[1], match.start("name")))
                    org = later[-1].span("org") if later else org
            names = [match]
            position = match.end("name")
            while more := ZH_MORE.match(sentence, position):
                names.append(more)
                position = more.end("name")
            for name in names:
                if NOT_A_NAME.search(name.group("name")):
                    continue
                span = name.span("name")
                placed = (org[0] + offset, org[1] + offset) if org else None
                yield (span[0] + offset, span[1] + offset), placed


def _organization(
    gazetteer: Gazetteer,
    talk: Talk,
    span: tuple[int, int],
    listed: list[Mention],
    known: dict[tuple[str, str], Entity],
    made: dict[str, Entity],
    found: list[Mention],
    field: str = "summary",
) -> str | None:
    """The organization a cue names at `span` of the talk's `field`: the gazetteer's where it
    matched there (none when the words are another kind of thing, a product), else one of its
    own."""
    start, end = span
    written = field_text(talk, field)
    text = written[start:end].strip()
    start = start + written[start:end].find(text)
    end = start + len(text)
    overlapping = [m for m in listed if m.start < end and start < m.end]
    orgs = [m for m in overlapping if gazetteer.entities[m.entity].kind == "organization"]
    # In English the cue's words are the name ("Google DeepMind's"); in Chinese the words after a
    # known organization are often the role's ("Uber AI平台工程师").
    whole = [m for m in orgs if (m.start, m.end) == (start, end)]
    # A known organization and a word for a part of it ("Waymo Research", "Acme AI team") is it.
    whole += [m for m in orgs if m.start == start and UNIT.fullmatch(written, m.end, end)]
    chinese = re.search("[\u4e00-\u9fff]", written[start : end + 8])
    if whole or orgs and (chinese or not re.fullmatch(EN_ORG, text)):
        return max(whole or orgs, key=lambda m: m.end - m.start).entity
    # A product's name ("SkyWalking 社区", "maintainer of vLLM") is not an employer's, but in an
    # English employer's position it is the company named like its product ("CEO of Unsloth",
    # "MongoDB's Ann Lee").
    product = any(gazetteer.entities[m.entity].kind != "organization" for m in overlapping)
    if product and (chinese or PROJECT_ROLE_EN.search(written[max(0, start - 40) : start])):
        return None
    if len(text) < 2 or text.casefold() in GENERIC:
        return None
    entity = known.get(("organization", compact(text)))
    if entity is None and chinese:
        # "vivo AI 研究院": a known organization, then the words of a department.
        words = text.split()
        for n in range(len(words) - 1, 0, -1):
            entity = known.get(("organization", compact(" ".join(words[:n]))))
            if entity is not None:
                end = start + len(" ".join(words[:n]))
                break
    if entity is None:
        key = "organization/" + slug(text)
        entity = made.get(key) or gazetteer.entities.get(key)
        if entity is None:
            entity = made[key] = Found(key, "organization", text, (text,), found_by="cue")
    found.append(mention_at(talk, field, written, start, end, entity, "cue"))
    return entity.key


def _person(
    gazetteer: Gazetteer, made: dict[str, Entity], name: str, affiliation: str | None, event: str
) -> Entity:
    """The person a cue names: the gazetteer's or one made already with that key, else a new one."""
    key = _person_key(name, affiliation, event)
    person = made.get(key) or gazetteer.entities.get(key)
    if person is None:
        person = made[key] = Found(
            key, "person", name, (name,), affiliation=affiliation, found_by="cue"
        )
    return person


def _person_key(name: str, affiliation: str | None, event: str) -> str:
    """A person is a full name and an affiliation; a lone first name without one is a person of
    this event only."""
    key = "person/" + slug(name)
    if affiliation:
        return key + "-" + slug(affiliation.split("/", 1)[1])
    return (
        key
        if re.search(r"\s", name) or len(name) > 1 and not name.isascii()
        else key + "-" + slug(event)
    )


def _people(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[dict[str, Entity], list[Mention]]:
    taken: dict[tuple[str, int], list[tuple[int, int]]] = {}
    in_summary: dict[tuple[str, int], list[Mention]] = {}
    for m in mentions:
        if m.field == "summary":
            taken.setdefault((m.source, m.line), []).append((m.start, m.end))
            in_summary.setdefault((m.source, m.line), []).append(m)
    people: dict[str, Entity] = {}
    found: list[Mention] = []
    for talk in talks:
        clause = presenter_clause(talk)
        if clause is None:
            continue
        orgs = [
            m
            for m in in_summary.get((talk.source, talk.line), [])
            if gazetteer.entities[m.entity].kind == "organization"
            and clause[0] <= m.start < clause[1]
        ]
        text = talk.summary[clause[0] : clause[1]]
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                start, end = clause[0] + match.start(1), clause[0] + match.end(1)
                name = match.group(1)
                spans = taken.get((talk.source, talk.line), [])
                if NOT_A_NAME.search(name) or any(s < end and start < e for s, e in spans):
                    continue
                spans.append((start, end))
                taken[(talk.source, talk.line)] = spans
                affiliation = _affiliation(talk.summary, orgs, start, end)
                key = (
                    "person/"
                    + slug(name)
                    + (f"-{affiliation.split('/')[1]}" if affiliation else "")
                )
                person = gazetteer.entities.get(key)
                if person is None or person.found_by != "gazetteer":
                    person = people[key] = Found(
                        key, "person", name, (name,), affiliation=affiliation, found_by="cue"
                    )
                found.append(mention_at(talk, "summary", talk.summary, start, end, person, "cue"))
    return people, sorted(found)


def _affiliation(text: str, orgs: list[Mention], start: int, end: int) -> str | None:
    after = [
        m for m in orgs if m.start >= end and re.search(r"(?:from|of)\s*$", text[end : m.start])
    ]
    if after:
        return min(after, key=lambda m: m.start).entity
    # The organization right before the name, with only role words between: "Uber AI平台工程师Pong".
    before = [
        m
        for m in orgs
        if m.end <= start
        and start - m.end <= 25
        and not re.search(r"[，。,;；]", text[m.end : start])
    ]
    return max(before, key=lambda m: m.start).entity if before else None


def with_people(gazetteer: Gazetteer, found: dict[str, Entity]) -> Gazetteer:
    """The gazetteer with the entities `found` in the text added to its graph and entities."""
    if not found:
        return gazetteer
    graph = Graph()  # the found entities' triples, read together with the gazetteer's
    for key, entity in found.items():
        subject = URIRef(DEFAULT_BASE + key)
        graph.add((subject, RDF.type, KINDS[entity.kind][0]))
        graph.add((subject, SKOS.prefLabel, Literal(entity.label, lang=language(entity.label))))
        if entity.affiliation:
            graph.add((subject, KG.affiliation, URIRef(DEFAULT_BASE + entity.affiliation)))
        if isinstance(entity, Found) and entity.broader:
            graph.add((subject, SKOS.broader, URIRef(DEFAULT_BASE + entity.broader)))
    entities = dict(sorted({**gazetteer.entities, **found}.items()))
    return Gazetteer(entities, gazetteer.tracks, ReadOnlyGraphAggregate([gazetteer.graph, graph]))
