"""The default situation-report template, in the structure of the county department's
report (three parts, five sections each) and the portal's own wording. Every number
the department's report quotes is a figure key (docs/FIGURES.md); the administrator
edits the text in the admin (情况汇报模板)."""

NAME = "干部人才梯队建设情况汇报（默认）"

BODY = """\
# {county}委组织部关于干部人才梯队建设情况的汇报

{period}，{county}把干部人才梯队建设作为事关长远的基础性工程，针对村（社区）后备力量选育难、年轻干部接续不畅、教育医疗农业等重点领域人才紧缺等问题，从选、育、管、用、留各个环节系统发力，持续推动干部人才队伍后继有人。现将有关情况汇报如下。

## 一、全链条推进，村（社区）后备干部队伍持续壮大

### （一）公开选拔，严把入口。
县委组织部从讲政治、重品行、测素能、评表现、访口碑五个方面统一制定选拔标准并公告，各乡镇党委通过个人自荐、群众推荐和支部推荐产生人选，经集中考察测评后，按照每村3至7人的规模，优先从本村致富能手、返乡务工经商人员、本乡大学毕业生、退役军人和“千人计划”“一村多计划”等青年群体中确定，报县委组织部审查备案。统计期内，全县新推荐后备干部{reserves.nominated}人，经审查备案纳入培养序列{reserves.filed}人；截至{period_end}，在册后备干部{reserves.active}人。

### （二）周期培养，理论实践并重。
后备干部培养周期为两年，集中学习培训不少于150学时，依托县委党校每季度集中培训一次，邀请县内外优秀村（社区）书记授课；同时通过“传帮带”、跟岗实习和实践锻炼提升履职能力，表现优秀的发展入党并列为重点培养对象。统计期内，后备干部参加集中学习培训累计{reserves.training_hours_total}学时；截至{period_end}，已有{reserves.hours_completed}名培养对象完成150学时培训要求。

### （三）精准考核，动态评价。
培养期内每年由党员群众代表从政治、学习、工作、能力、作风五个方面进行评议，村（社区）“两委”分三个等次作出年度综合评价并形成集体鉴定意见；培养期满后由乡镇开展综合考察，提出使用意见建议，经乡镇党委审议后报县委组织部审核备案。统计期内，共完成年度综合评价{reserves.appraisal_grades}人次。

### （四）常态储备，分村建库。
县委组织部结合换届和日常调整需要，统一研究确定进一步使用人选，全面掌握后备干部基本信息和本人诉求，逐村明确使用方向和拟任岗位，分村（社区）建立后备干部储备库。统计期内，新纳入储备库{reserves.admitted_to_pool}人；截至{period_end}，储备库中有后备干部{reserves.pool_size}人。

### （五）优先使用，备用衔接。
村（社区）“两委”换届和平时调整时，储备库中的后备干部作为第一人选提名推荐，任职后由县委组织部开展首年度全员回访考察。统计期内，{county}共选拔任用后备干部{reserves.appointed}人；其中工作特别突出的{reserves.promoted_township_leadership}人在选拔“五类人员”进入乡镇领导班子时得到优先考虑。

## 二、围绕“五求”发力，优秀年轻干部队伍加快成长

### （一）立足岗位供求，有计划选。
全面摸清各单位领导班子岗位、职数、年龄和绩效情况，按照每个岗位2名以上培养对象的标准，分层分类选拔“80后”“90后”优秀年轻干部。截至{period_end}，80、90优秀年轻干部库共有{youth_cadres.bank_size}人。

### （二）立足事业需求，针对性育。
实行组织部门和用人单位双线责任培养，对不同层次培养对象分别突出政治能力和领导能力提升、重要岗位历练、发展潜力挖掘以及业务素养和管理能力提升，因岗因人开展差异化培养。

### （三）立足组织要求，严管厚爱。
对重点培养对象推行“四抓四管”，强化工作日志纪实和日常考查，定期听取各方面意见；按照“一人一档”建立个人成长档案，全程记录学习、政治表现、工作实绩、奖惩和廉政情况，作为选拔任用的重要依据。

### （四）立足发展需求，开放活用。
为每名培养对象制定职业发展规划，打破论资排辈和机关、事业、企业“三支队伍”交流障碍，培养成熟的及时大胆使用。统计期内，共从库中选拔任用干部{youth_cadres.appointed_from_bank}名。

### （五）立足个人诉求，多措并举留人。
建立培养对象及其单位定期访谈机制，个性诉求特事特办，共性诉求研究措施推进解决。统计期内，为{retention.housing_solved}名干部解决住房问题，为{retention.marriage_solved}名大龄青年干部解决婚恋问题，人均增资{retention.avg_pay_rise}元，乡镇工作补贴由每月{retention.allowance_before}元提高到每月{retention.allowance_after}元，{retention.retained}名有意离乡发展的干部在组织关心下留了下来。

## 三、聚焦“五域”攻坚，重点领域人才支撑更加有力

### （一）教育领域，推进“人才强校”。
在编制使用、岗位设置、职称评聘、招聘调配、考核奖惩等方面为教育人才松绑，按计划招引紧缺的基教、高教、职教人才，建立名优师资库分类培养，深化县域教联体建设推动城乡师资共享，加强名师课堂和名师工作室建设。

### （二）医疗领域，推进“人才强医”。
统计期内，通过专项招引、定向招聘、定向培养、联体共享等方式，引进“双一流”高校毕业生、高层次医疗卫生专业技术人才、优秀编外医护人员、大学生村医和院外医疗专家等{talents.medical_recruited}名；公开选拔培育县乡两级医疗卫生管理人才{talents.medical_managers}名；建成专家团队{talents.expert_teams}个、名医工作室{talents.famous_doctor_studios}个，创建省级中医重点专科{talents.tcm_specialties_provincial}个、市级中医重点专科{talents.tcm_specialties_municipal}个。

### （三）农业领域，推进“人才强农”。
围绕竹、茶、药、猪等主导产业，统计期内通过奖补政策、合作联盟等方式扶持乡村创业带头人、家庭农场主、农业企业家{talents.agri_entrepreneurs_supported}名，招引农业科研、专业技术和管理服务人才{talents.agri_professionals_recruited}人，扶持培育农民合作社带头人和电商销售人才{talents.agri_coop_ecommerce}名。

### （四）工业领域，推进“人才强企”。
依托企业人才工作站，统计期内为规上企业招引企业人才{talents.industry_recruited}名，通过兼职顾问、技术入股等方式引进工科和科研人才{talents.industry_engineers_introduced}名；异地人才工作站服务企业{talents.remote_station_enterprises}家，院士专家和科技人才服务重点企业和产业{talents.expert_served_enterprises}家。

### （五）文化领域，推进“人才强文”。
健全名家荣誉制度，建立名家工作室{talents.master_studios}个，{talents.culture_masters}名文化名家参与文化传承和文艺创作；采取“政府买单、院校培养”方式，依托职业学校定向培养以提琴戏为代表的非遗传承人才{talents.heritage_trained}名；发掘培育乡村规划师、建筑师、民间艺术家等乡土文艺人才{talents.rural_artists}名；清理登记、规范管理各类文艺组织{talents.arts_organizations}个。
"""
