"""The .lrmx exchange file: what we write passes the schema; what offices send is read,
messy or not; what is hostile or wrong is refused with one Chinese message."""

import base64
import codecs
import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from cadre_portal import idcard
from cadre_portal.documents import lrmx
from cadre_portal.documents.formdata import APPOINTMENT_FIELDS, PERSON_FIELDS, FormData, differences
from cadre_portal.documents.testing import photo_jpeg, sample_form

SAMPLES = Path(lrmx.__file__).resolve().parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.lrmx"))
# The element list of the form's exchange file (shared/DOMAIN.md), in file order.
DOMAIN_ELEMENTS = [
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian", "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang", "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou",
    "JiaTingChengYuan", "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng",
    "ZhaoPian", "Version",
]
ID = idcard.make("421223", date(1990, 5, 17), 31)


def person(body: str = "", *, declaration='<?xml version="1.0" encoding="UTF-8"?>', id_number=ID, birth="199005", sex="男") -> str:
    return (f"{declaration}\n<Person><XingMing>陈志远</XingMing><XingBie>{sex}</XingBie>"
            f"<ChuShengNianYue>{birth}</ChuShengNianYue>{body}<ShenFenZheng>{id_number}</ShenFenZheng></Person>")


def read_text(text: str, encoding="utf-8"):
    return lrmx.read(text.encode(encoding))


# --- writing ------------------------------------------------------------------------------------


def test_the_file_has_every_element_of_the_form_in_order():
    root = lrmx.to_element(sample_form())
    assert [child.tag for child in root] == DOMAIN_ELEMENTS


def test_family_members_are_items_with_their_five_elements():
    item = lrmx.to_element(sample_form()).find("JiaTingChengYuan/Item")
    assert [c.tag for c in item] == ["ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"]


def test_dates_are_written_yyyymm():
    data = lrmx.write(sample_form()).decode("utf-8")
    assert "<ChuShengNianYue>199005</ChuShengNianYue>" in data and "<RuDangShiJian>201106</RuDangShiJian>" in data
    assert "<ChuShengRiQi>199108</ChuShengRiQi>" in data


def test_the_photo_is_base64_jpeg():
    form = sample_form()
    data = lrmx.write(form).decode("utf-8")
    encoded = re.search(r"<ZhaoPian>(.*?)</ZhaoPian>", data, re.S).group(1)
    assert base64.b64decode(encoded) == form.photo and form.photo.startswith(b"\xff\xd8")


def test_the_file_is_utf8_with_a_declaration_and_a_version():
    data = lrmx.write(sample_form(version=""))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Person>')
    assert f"<Version>{lrmx.version()}</Version>".encode() in data


def test_a_complete_export_passes_the_schema():
    assert lrmx.validate_against_schema(lrmx.write(sample_form())) == []


def test_a_sparse_export_passes_the_schema():
    assert lrmx.validate_against_schema(lrmx.write(FormData(name="吴静", id_number=ID))) == []


def test_the_schema_refuses_a_month_that_does_not_exist():
    bad = lrmx.write(sample_form()).replace(b"<RuDangShiJian>201106<", b"<RuDangShiJian>201113<")
    assert any("RuDangShiJian" in e for e in lrmx.validate_against_schema(bad))


def test_the_schema_refuses_elements_out_of_order():
    bad = lrmx.write(sample_form()).replace(b"<XingBie>\xe7\x94\xb7</XingBie>", b"").replace(b"</XingMing>", b"</XingMing><Version>x</Version>", 1)
    assert lrmx.validate_against_schema(bad)


def test_control_characters_are_dropped_so_the_file_stays_xml():
    data = lrmx.write(sample_form(specialty="文字\x07综合"))
    assert lrmx.read(data).form.specialty == "文字综合"


# --- reading what we write ------------------------------------------------------------------------


def test_a_written_form_reads_back_field_for_field():
    form = sample_form()
    again = lrmx.read(lrmx.write(form)).form
    assert differences(form, again, PERSON_FIELDS + APPOINTMENT_FIELDS) == []
    assert again.photo == form.photo and again.resume == form.resume and again.family == form.family


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_file_is_read(path):
    result = lrmx.read(path.read_bytes())
    assert result.form.name and idcard.is_valid(result.form.id_number)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_reexported_passes_the_schema_and_reads_the_same(path):
    first = lrmx.read(path.read_bytes()).form
    exported = lrmx.write(first)
    assert lrmx.validate_against_schema(exported) == []
    assert differences(first, lrmx.read(exported).form, PERSON_FIELDS + APPOINTMENT_FIELDS) == []


def test_the_samples_together_use_every_element_with_a_value():
    used = set()
    for path in SAMPLE_FILES:
        text = lrmx.decode(path.read_bytes())[0]
        used |= {m.group(1) for m in re.finditer(r"<(\w+)>[^<\s]", text)}
    assert set(DOMAIN_ELEMENTS) - {"JiaTingChengYuan"} <= used
    assert {"ChengWei", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"} <= used


# --- messy real files ------------------------------------------------------------------------------


def test_a_gbk_declared_file_is_read():
    text = person("<MinZu>土家族</MinZu>", declaration='<?xml version="1.0" encoding="GB2312"?>')
    assert lrmx.read(text.encode("gb18030")).form.ethnicity == "土家族"


def test_a_file_declared_utf8_but_saved_as_gbk_is_read_with_a_note():
    result = lrmx.read(person("<MinZu>土家族</MinZu>").encode("gbk"))
    assert result.form.ethnicity == "土家族" and "GBK" in result.notes[0]


def test_a_utf8_bom_is_skipped():
    assert lrmx.read(codecs.BOM_UTF8 + person().encode("utf-8")).form.name == "陈志远"


def test_a_utf16_file_is_read():
    text = person(declaration='<?xml version="1.0" encoding="UTF-16"?>')
    assert lrmx.read(text.encode("utf-16")).form.name == "陈志远"


def test_missing_optional_elements_are_empty():
    form = read_text(person()).form
    assert form.birth_place == "" and form.resume == [] and form.family == [] and form.photo is None


def test_crlf_line_breaks_in_the_resume_are_read():
    form = read_text(person("<JianLi>2008.09--2012.07  学习\r\n2012.07--  科员</JianLi>")).form
    assert [l.text for l in form.resume] == ["学习", "科员"]


def test_full_width_dashes_in_date_ranges_are_read():
    form = read_text(person("<JianLi>2008.09－2012.07  学习&#xD;&#xA;2012.07——2015.03  科员</JianLi>")).form
    assert [(l.start, l.end) for l in form.resume] == [(date(2008, 9, 1), date(2012, 7, 1)), (date(2012, 7, 1), date(2015, 3, 1))]


def test_a_family_row_with_an_empty_name_is_skipped_with_a_note():
    body = ("<JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><XingMing>刘敏</XingMing></Item>"
            "<Item><ChengWei>母亲</ChengWei><XingMing></XingMing><GongZuoDanWeiJiZhiWu>已故</GongZuoDanWeiJiZhiWu></Item>"
            "<Item><ChengWei/><XingMing/><ChuShengRiQi/></Item></JiaTingChengYuan>")
    result = read_text(person(body))
    assert [r.name for r in result.form.family] == ["刘敏"]
    assert result.notes == ["家庭成员第 2 行没有姓名（母亲），已跳过。"]


def test_unknown_elements_are_ignored_and_listed():
    result = read_text(person("<NianLing>34</NianLing><DaoLingNianYue>205005</DaoLingNianYue>"))
    assert result.ignored == ["DaoLingNianYue", "NianLing"]


def test_pretty_printed_empty_elements_are_empty():
    assert read_text(person("<ZhuanYeJiShuZhiWu>\n    </ZhuanYeJiShuZhiWu>")).form.professional_title == ""


def test_a_lower_case_x_in_the_id_number_is_read():
    number = next(idcard.make("421223", date(1990, 5, 17), s) for s in range(1, 999, 2) if idcard.make("421223", date(1990, 5, 17), s).endswith("X"))
    assert read_text(person(id_number=number.lower())).form.id_number == number


def test_the_birth_date_comes_from_the_id_number():
    assert read_text(person()).form.birth == date(1990, 5, 17)


def test_a_png_photo_is_converted_to_jpeg_with_a_note():
    png = base64.b64encode(photo_jpeg(fmt="PNG")).decode()
    result = read_text(person(f"<ZhaoPian>{png}</ZhaoPian>"))
    assert result.form.photo.startswith(b"\xff\xd8") and "JPEG" in result.notes[0]


# --- refused ---------------------------------------------------------------------------------------


def refused(data: bytes) -> str:
    with pytest.raises(lrmx.LrmxError) as info:
        lrmx.read(data)
    return str(info.value)


def test_a_file_that_is_not_xml_is_refused():
    assert "不是有效的 XML" in refused("这是一份 Word 文档".encode())


def test_a_truncated_file_is_refused():
    assert "不是有效的 XML" in refused(person().encode()[:-20])


def test_a_doctype_is_refused_before_parsing():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            "<Person><XingMing>&lol2;</XingMing></Person>")
    assert "DTD" in refused(bomb.encode())


def test_an_external_entity_is_refused():
    xxe = '<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>'
    assert "DTD" in refused(xxe.encode())


def test_a_doctype_hidden_in_utf16_is_refused():
    xxe = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Person SYSTEM "http://example.invalid/x.dtd"><Person/>'
    assert "DTD" in refused(xxe.encode("utf-16"))


def test_another_root_is_refused():
    assert "根元素应为 Person" in refused(b"<Cadre><XingMing>x</XingMing></Cadre>")


def test_an_id_number_with_a_bad_check_digit_is_refused():
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    message = refused(person(id_number=bad).encode())
    assert "校验位不正确" in message and bad not in message


def test_a_birth_date_that_disagrees_with_the_id_number_is_refused():
    assert "出生年月 1991.05 与身份证号码不符" in refused(person(birth="199105").encode())


def test_a_sex_that_disagrees_with_the_id_number_is_refused():
    assert "与身份证号码不符" in refused(person(sex="女").encode())


def test_a_month_that_does_not_exist_is_refused():
    assert "入党时间“2023.13”中的月份不存在" in refused(person("<RuDangShiJian>2023.13</RuDangShiJian>").encode())


def test_a_family_birth_date_that_does_not_exist_is_refused():
    body = "<JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><XingMing>刘敏</XingMing><ChuShengRiQi>199113</ChuShengRiQi></Item></JiaTingChengYuan>"
    assert "家庭成员第 1 行的出生日期" in refused(person(body).encode())


def test_a_10_mb_photo_is_refused_before_parsing():
    photo = base64.b64encode(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024)).decode()
    message = refused(person(f"<ZhaoPian>{photo}</ZhaoPian>").encode())
    assert "超过单个任免表文件的上限" in message


def test_a_photo_over_its_own_limit_is_refused(settings):
    settings.DOCUMENTS_LRMX_MAX_BYTES = 8 * 1024 * 1024
    photo = base64.b64encode(b"\xff\xd8" + b"\x00" * (3 * 1024 * 1024)).decode()
    assert "照片为 3 MB，超过上限 2 MB" in refused(person(f"<ZhaoPian>{photo}</ZhaoPian>").encode())


def test_a_photo_that_is_not_an_image_is_refused():
    photo = base64.b64encode("不是图片".encode()).decode()
    assert "不是可以识别的图片" in refused(person(f"<ZhaoPian>{photo}</ZhaoPian>").encode())


def test_a_photo_that_is_not_base64_is_refused():
    assert "base64" in refused(person("<ZhaoPian>这不是编码</ZhaoPian>").encode())


def test_a_photo_with_too_many_pixels_is_refused():
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")
    photo = base64.b64encode(out.getvalue()).decode()
    assert "像素过多" in refused(person(f"<ZhaoPian>{photo}</ZhaoPian>").encode())


def test_a_file_without_an_id_number_is_refused():
    assert "没有身份证号码" in refused(b"<Person><XingMing>x</XingMing></Person>")


def test_a_file_without_a_name_is_refused():
    assert "没有姓名" in refused(f"<Person><ShenFenZheng>{ID}</ShenFenZheng></Person>".encode())


def test_an_empty_file_is_refused():
    assert "空的" in refused(b"  \n")
