"""Filler sentences that bring generated documents to their target length: the boilerplate
and background each kind of document really carries, with no entity mentions in them."""

from __future__ import annotations

ZH = {
    "penalty_decision": (
        "上述情况已经调查核实，相关证据经当事人签字确认。",
        "执法人员现场出示了执法证件，并依法制作了现场检查笔录。",
        "本机关在作出处罚决定前依法告知了当事人拟作出行政处罚的事实、理由、依据及依法享有的陈述、申辩权利。",
        "当事人在规定期限内未提出陈述、申辩意见，也未要求举行听证。",
        "综合考虑违法行为的事实、性质、情节及社会危害程度，依法从轻处罚。",
        "本案于立案后依法进行了调查取证，调取了进货台账、销售记录等书证。",
        "执法人员对涉案产品进行了先行登记保存，并依法抽样送检。",
        "经检验，所抽检样品的部分项目不符合相关国家标准的要求。",
        "当事人积极配合调查，主动停止违法行为并消除了违法行为后果。",
        "本案违法经营额经核算共计人民币一万二千余元，违法所得三千余元。",
        "案件调查终结后，本机关依法进行了法制审核和集体讨论。",
        "当事人应当自收到本决定书之日起十五日内，持本决定书到指定银行缴纳罚没款。",
        "到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，并依法申请人民法院强制执行。",
        "本处罚决定将依法通过国家企业信用信息公示系统向社会公示。",
        "行政复议和行政诉讼期间，本处罚决定不停止执行。",
        "当事人上述行为损害了消费者的合法权益，扰乱了正常的市场秩序。",
        "执法人员依法对当事人的负责人进行了询问调查，并制作了询问笔录。",
        "当事人提交了营业执照复印件、进货票据及情况说明等材料。",
        "鉴于当事人系初次违法且危害后果轻微，本机关在法定幅度内酌情予以处罚。",
    ),
    "shareholder_change": (
        "公司经营范围及其他登记事项未发生变化。",
        "本次股权转让已经公司股东会审议通过，其他股东均放弃优先购买权。",
        "股权转让双方已签订股权转让协议，转让价款已按约定支付完毕。",
        "公司将在规定期限内向登记机关申请办理变更登记手续。",
        "本次变更不会对公司的正常生产经营活动产生影响。",
        "公司债权人自本公告发布之日起四十五日内，可以要求公司清偿债务或者提供相应的担保。",
        "本次变更完成后，公司章程相应条款将一并修订。",
        "如有异议，请于公告之日起三十日内以书面形式向公司提出。",
        "公司董事会、监事会成员暂不作调整。",
        "本公告内容真实、准确、完整，不存在虚假记载、误导性陈述或者重大遗漏。",
        "相关工商变更登记手续办理完毕后，公司将另行公告。",
        "本次股权结构调整系股东根据自身资金安排作出的决定。",
        "本次股权转让价格以经审计的公司净资产为基础，由转让双方协商确定。",
        "公司将继续严格按照《中华人民共和国公司法》等法律法规规范运作，切实维护全体股东的合法权益。",
        "本次变更前后，公司的实际控制人未发生变化。",
        "受让方承诺承继转让方在公司章程中约定的全部权利和义务。",
        "公司已就本次股权转让事宜通知全体股东，并取得了必要的内部批准。",
        "本次股权转让涉及的税费由转让双方依照国家有关规定各自承担。",
        "公司治理结构保持稳定，日常经营管理工作有序开展。",
        "变更登记完成后，公司将及时更新国家企业信用信息公示系统中的相关信息。",
    ),
    "court_notice": (
        "案件审理期间，双方当事人均可申请调解。",
        "旁听人员应当遵守法庭纪律，不得录音、录像和摄影。",
        "提出答辩状的期限和举证的期限分别为公告期满后的十五日和三十日内。",
        "如不服本院判决，可在判决书送达之日起十五日内向本院递交上诉状。",
        "本案适用普通程序，由审判员组成合议庭进行审理。",
        "当事人可以委托一至二人作为诉讼代理人。",
        "当事人应当按时到庭，无正当理由拒不到庭的，本院将依法缺席审理。",
        "有关诉讼材料可至本院立案庭领取。",
        "原告的诉讼请求为：判令被告偿还借款本金及利息，并承担本案诉讼费用。",
        "审理过程中，本院将依法组织双方当事人进行证据交换和质证。",
        "特此公告。",
    ),
    "news": (
        "有关部门将持续加强事中事后监管，督促企业落实主体责任。",
        "据悉，当地营商环境持续优化，市场主体数量稳步增长。",
        "今年以来，全省经济运行总体平稳、稳中有进，重点项目建设加快推进。",
        "相关负责人表示，将进一步完善内部管理制度，规范经营行为。",
        "业内人士分析认为，行业整合步伐正在加快，龙头企业优势进一步显现。",
        "会上还通报了上半年安全生产工作情况。",
        "记者了解到，该项目总投资约2.3亿元，预计明年年底建成投产。",
        "下一步，有关部门将加大抽检力度，对发现的问题依法严肃处理。",
        "近年来，当地持续深化“放管服”改革，企业开办时间压缩至一个工作日以内。",
        "统计数据显示，今年前三季度全省规模以上工业增加值同比增长百分之六点八。",
        "与会人员围绕数字化转型、人才引进和市场拓展等议题进行了深入交流。",
        "该园区已累计引进企业两百余家，形成了较为完整的产业链条。",
        "会议强调，要坚持稳中求进工作总基调，全力以赴抓项目、稳增长、防风险。",
        "活动现场还举行了重点项目集中签约仪式，签约金额超过十亿元。",
        "据介绍，公司产品已销往全国二十多个省份，并出口东南亚多个国家和地区。",
        "当天，参会代表还实地参观了企业的智能化生产车间。",
        "据统计，去年该企业实现营业收入同比增长百分之十二，上缴税收逾千万元。",
        "当地政府相关部门负责人到会指导，并就优化企业服务提出了具体要求。",
        "会议还对上一年度表现突出的先进集体和个人进行了表彰。",
        "与会专家认为，传统产业转型升级仍需在技术创新和品牌建设上持续发力。",
        "据悉，该企业今年计划新增就业岗位三百余个，优先吸纳本地劳动力。",
        "近期，全省多地出台稳经济一揽子政策措施，为市场主体纾困解难。",
    ),
}
EN = {
    "penalty_decision": (
        "The investigation was carried out in accordance with the law and the evidence was "
        "confirmed by the party. ",
        "Law enforcement officers showed their credentials and made an on-site inspection "
        "record. ",
        "Before the decision the bureau informed the party of the facts, reasons and legal "
        "basis, and of its right to state its case and defend itself. ",
        "The party did not request a hearing within the prescribed time. ",
        "Samples taken during the inspection failed to meet the national standard. ",
        "The party cooperated with the investigation and stopped the violation at once. ",
        "The decision will be published on the national enterprise credit information "
        "system. ",
        "The fine must be paid at a designated bank within fifteen days of receipt of this "
        "decision. ",
        "The party may apply for administrative reconsideration within sixty days or bring "
        "an administrative lawsuit within six months. ",
    ),
    "shareholder_change": (
        "The company's business scope and other registered particulars remain unchanged. ",
        "The other shareholders have waived their pre-emptive rights. ",
        "The transfer price has been paid in full under the share transfer agreement. ",
        "The company will apply to the registration authority for the change of "
        "registration within the prescribed period. ",
        "Creditors may ask the company to repay its debts or provide security within "
        "forty-five days of this notice. ",
        "The change will not affect the company's normal operations. ",
        "Objections may be raised in writing within thirty days of this notice. ",
    ),
    "court_notice": (
        "Members of the public attending the hearing must observe courtroom discipline. ",
        "The periods for filing a defence and for producing evidence are fifteen and thirty "
        "days after the notice period expires. ",
        "If the defendant fails to appear without good reason, the court may give judgment "
        "by default. ",
        "Copies of the complaint may be collected from the case filing division of the "
        "court. ",
        "The parties may apply for mediation while the case is pending. ",
        "The plaintiff asks for repayment of the principal with interest and for the costs "
        "of the case. ",
        "Either party may appeal within fifteen days of service of the judgment. ",
    ),
    "news": (
        "Officials said supervision of market entities would be further strengthened this "
        "year. ",
        "The provincial economy has kept a steady recovery, with key projects moving ahead "
        "on schedule. ",
        "Analysts said consolidation in the industry is accelerating as leading firms "
        "expand. ",
        "Local authorities said the business environment continued to improve, with the "
        "number of registered firms rising steadily. ",
        "The project involves a total investment of about 230 million yuan and is expected "
        "to be completed by the end of next year. ",
        "Regulators said random inspections would be stepped up and violations dealt with "
        "strictly. ",
        "Participants discussed digital transformation, talent recruitment and new "
        "markets. ",
        "The industrial park has attracted more than 200 companies and formed a fairly "
        "complete industrial chain. ",
        "Delegates also visited the company's automated production workshop. ",
        "The company's products are sold in more than 20 provinces and exported to "
        "Southeast Asia. ",
        "Industrial output above designated size in the province grew 6.8 percent in the "
        "first three quarters. ",
    ),
}
