"""Body safety on planted layouts (issue 22): losing body is worse than keeping chrome.

Each layout plants an article between page chrome and asserts that every paragraph of the
article survives cleaning, in English and in scripts without a stopword list."""
from __future__ import annotations

import pytest

from cleaner import Cleaner

MENU = ["Home", "News", "Sport", "Business", "Tech", "Culture", "Travel", "Video"]


def kept_lines(text: str, **kw) -> list[str]:
    return [ln.strip() for ln in Cleaner(**kw).clean(text).text.splitlines() if ln.strip()]


def assert_body_kept(text: str, body: list[str], **kw) -> None:
    out = kept_lines(text, **kw)
    lost = [p for p in body if p not in out]
    assert not lost, f"{len(lost)} of {len(body)} body lines lost, first: {lost[0][:80]!r}"


# --- a long explainer whose second half is organised under question-style subheadings ---------

EXPLAINER_INTRO = [
    "Why the city's water bills are about to rise",
    "The council approved a plan on Tuesday that will raise the average household bill by about 12 percent over three years, the first increase since 2015.",
    "Officials said the money would pay for new pipes, a second treatment plant and repairs to the reservoir that supplies most of the northern suburbs.",
    "Residents packed the council chamber for the vote, and several speakers said they could not afford another bill in a year when rents and food prices had already climbed.",
    "The mayor said the city had put off the work for too long and that every year of delay made the final cost higher for the people who would eventually pay it.",
]
EXPLAINER_QA = [
    "What will change for households?",
    "From January, the fixed part of each bill will rise by $4 a month, and the price of each unit of water used will rise by a smaller amount in each of the following two years.",
    "Households that receive the city's low-income discount will see no change next year, and the discount itself will be widened to cover about 3,000 more families.",
    "Why now?",
    "Engineers told the council last spring that a third of the city's pipes were more than 80 years old and that breaks had doubled in a decade, flooding streets and closing schools.",
    "The state has also tightened its rules on lead, and the city must replace the remaining lead service lines by 2030 or face fines.",
    "Who decides how the money is spent?",
    "A five-member board, two of them appointed by residents' associations, will publish a list of projects each year and report on how much of the money has been spent.",
    "Is there any way to lower my bill?",
    "The utility offers free leak checks, and officials said a household that fixes a running toilet can save more than the whole of next year's increase.",
]
TEASERS = ["Council votes to close library for repairs", "Bus fares to rise in spring",
           "Five things to do this weekend", "Mayor defends budget plan"]


def test_a_long_explainer_keeps_its_question_style_second_half():
    text = "\n".join(MENU + [""] + EXPLAINER_INTRO + EXPLAINER_QA + ["", "Most read", *TEASERS]) + "\n"
    assert_body_kept(text, EXPLAINER_INTRO + EXPLAINER_QA)


def test_the_explainer_second_half_is_kept_when_it_is_longer_than_the_first():
    qa = EXPLAINER_QA * 2  # a second half twice as long, all under question subheadings
    text = "\n".join(MENU + EXPLAINER_INTRO + qa + TEASERS) + "\n"
    out = kept_lines(text, disabled=["heuristic/second-copy"])
    assert all(p in out for p in EXPLAINER_INTRO + EXPLAINER_QA)


# --- articles in scripts without a stopword list, between a menu and a teaser list -------------

ZH = [
    "市政府宣布图书馆将关闭六个月进行维修",
    "市议会周二投票决定，由于屋顶严重漏水，市中心图书馆将从下月起关闭六个月，期间将进行全面维修。",
    "官员表示，维修费用约为两百万元，工程不能再拖延，因为雨水已经损坏了存放在顶楼的部分藏书。",
    "许多家长和教师对这一决定表示不满，他们说孩子们在假期里将失去一个安全、安静的学习场所。",
    "图书馆馆长说，工作人员将在市政厅提供小规模的借阅服务，并且每周六上午继续举办儿童阅读活动。",
]
ZH_MENU = ["首页", "新闻", "体育", "财经", "科技", "娱乐", "视频"]
ZH_TEASERS = ["公交票价明年春天上涨", "周末五件值得做的事", "市长为预算计划辩护", "新公园下月开放"]

JA = [
    "市立図書館、改修のため半年間休館へ",
    "市議会は火曜日、屋根からの深刻な雨漏りのため、中央図書館を来月から半年間休館し、全面的な改修を行うことを決めた。",
    "市の担当者によると、改修費用はおよそ二億円で、最上階に保管されている蔵書の一部がすでに雨水で傷んでいるため、工事を先延ばしにはできないという。",
    "保護者や教師からは、夏休みの間に子どもたちが安全で静かに勉強できる場所を失うとして、決定に反対する声が上がっている。",
    "館長は、市役所の一角で小規模な貸し出しを続け、土曜日の朝の読み聞かせ会も予定どおり開くと話した。",
]
JA_MENU = ["ホーム", "ニュース", "スポーツ", "経済", "テクノロジー", "エンタメ", "動画"]
JA_TEASERS = ["バス運賃、春に値上げ", "週末に楽しめる五つのこと", "市長、予算案を擁護", "新しい公園が来月開園"]

AR = [
    "إغلاق المكتبة العامة ستة أشهر لإجراء إصلاحات",
    "صوّت المجلس البلدي يوم الثلاثاء على إغلاق المكتبة المركزية ستة أشهر اعتباراً من الشهر المقبل بسبب تسرب خطير للمياه من السقف، على أن تُجرى خلالها إصلاحات شاملة.",
    "وقال مسؤولون إن كلفة الإصلاحات تبلغ نحو مليوني دولار، وإن العمل لا يحتمل التأجيل لأن المياه ألحقت أضراراً بجزء من الكتب المحفوظة في الطابق العلوي.",
    "وأبدى عدد من الأهالي والمعلمين اعتراضهم على القرار، قائلين إن الأطفال سيفقدون مكاناً آمناً وهادئاً للدراسة خلال العطلة الصيفية.",
    "وقال مدير المكتبة إن الموظفين سيقدمون خدمة إعارة محدودة من مبنى البلدية، وإن نشاط القراءة للأطفال سيستمر صباح كل سبت.",
]
AR_MENU = ["الرئيسية", "أخبار", "رياضة", "اقتصاد", "تكنولوجيا", "فنون", "فيديو"]
AR_TEASERS = ["رفع أسعار تذاكر الحافلات في الربيع", "خمسة أنشطة لعطلة نهاية الأسبوع",
              "رئيس البلدية يدافع عن خطة الميزانية", "افتتاح حديقة جديدة الشهر المقبل"]

# A CJK headline has no spaces, so it is title-shaped by its characters, not its words
# (layout.TITLE_MIN_CJK_CHARS); counted as one word, outside-body dropped it with the menu.

ZH_SHORT = ["市议会周二投票决定，图书馆将从下月起关闭六个月。", "官员表示，维修费用约为两百万元，工程不能再拖延。",
            "许多家长和教师对这一决定表示不满。", "馆长说，工作人员将在市政厅提供小规模的借阅服务。"]


@pytest.mark.parametrize("menu, body, teasers", [
    pytest.param(ZH_MENU, ZH, ZH_TEASERS, id="chinese"),
    pytest.param(ZH_MENU, [ZH[0]] + ZH_SHORT, ZH_TEASERS, id="chinese-short-paragraphs"),
    pytest.param(JA_MENU, JA, JA_TEASERS, id="japanese"),
    pytest.param(AR_MENU, AR, AR_TEASERS, id="arabic"),
])
def test_an_article_without_a_stopword_list_keeps_every_paragraph(menu, body, teasers):
    text = "\n".join(menu + [""] + body + [""] + teasers) + "\n"
    assert_body_kept(text, body[1:])  # the paragraphs (the headline: the next test)


@pytest.mark.parametrize("menu, body, teasers", [
    pytest.param(ZH_MENU, ZH, ZH_TEASERS, id="chinese"),
    pytest.param(JA_MENU, JA, JA_TEASERS, id="japanese"),
    pytest.param(AR_MENU, AR, AR_TEASERS, id="arabic"),
])
def test_the_headline_above_the_body_stays_in_every_script(menu, body, teasers):
    text = "\n".join(menu + [""] + body + [""] + teasers) + "\n"
    assert body[0] in kept_lines(text)


@pytest.mark.parametrize("body", [ZH, JA, AR], ids=["chinese", "japanese", "arabic"])
def test_the_same_article_alone_keeps_every_paragraph(body):
    assert_body_kept("\n".join(body) + "\n", body)


def test_the_english_layout_the_other_scripts_are_held_to():
    """The same layout in English keeps every paragraph (what the scripts above should match)."""
    body = EXPLAINER_INTRO
    text = "\n".join(MENU + [""] + body + [""] + TEASERS) + "\n"
    assert_body_kept(text, body)
