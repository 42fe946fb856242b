"""Word lists the generator draws from: surnames with their population shares, ranked given
names, streets, company name parts. Collisions (many real 张伟) are part of the problem, so
names follow published frequencies rather than a uniform draw."""

import numpy as np

# Surname shares, percent of the population. Ranks 1-20: the National Bureau of Statistics'
# figures from the 2010 census (国家统计局, published June 2014: 王 9468万 = 7.10%, ...).
# Ranks 21-100 in the order of the Ministry of Public Security's 2007 household-registration
# count (公安部治安管理局, April 2007), which gives only the order, the top three (王 7.25%,
# 李 7.19%, 张 6.83%) and that the top 100 cover 84.77%: their shares decay geometrically from
# rank 20's so that ranks 1-100 sum to 84.77%. The long tail (real, rarer surnames, compound
# ones last) shares the remaining 15.23%, decaying geometrically from rank 100's share.
TOP20_SURNAME_PERCENT = {"王": 7.10, "李": 6.96, "张": 6.42, "刘": 5.16, "陈": 4.26,
                         "杨": 2.97, "黄": 2.16, "赵": 2.03, "周": 1.88, "吴": 1.78,
                         "徐": 1.43, "孙": 1.39, "马": 1.34, "胡": 1.16, "朱": 1.14,
                         "郭": 1.09, "何": 1.05, "罗": 1.00, "高": 0.97, "林": 0.96}
RANK_21_TO_100 = list("郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
                      "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
                      "向汤")
TOP100_PERCENT = 84.77
RARE_SURNAMES = list("常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符"
                     "舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
                     "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟"
                     "邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝") + [
    "欧阳", "司马", "上官", "诸葛", "夏侯"]


def geometric_shares(first: float, count: int, total: float) -> np.ndarray:
    """`count` shares first*r, first*r**2, ... with r (0.5 < r < 1) chosen by bisection so
    that they sum to `total`."""
    powers = np.arange(1, count + 1)
    low, high = 0.5, 1.0
    for _ in range(60):
        ratio = (low + high) / 2
        if (first * ratio ** powers).sum() < total:
            low = ratio
        else:
            high = ratio
    return first * ((low + high) / 2) ** powers


def _surname_table() -> tuple[list[str], np.ndarray]:
    top = np.array(list(TOP20_SURNAME_PERCENT.values()))
    middle = geometric_shares(top[-1], len(RANK_21_TO_100), TOP100_PERCENT - top.sum())
    tail = geometric_shares(middle[-1], len(RARE_SURNAMES), 100 - TOP100_PERCENT)
    shares = np.concatenate([top, middle, tail])
    return (list(TOP20_SURNAME_PERCENT) + RANK_21_TO_100 + RARE_SURNAMES,
            shares / shares.sum())


SURNAMES, SURNAME_SHARES = _surname_table()

# Given names, ranked commonest first within each sex: the very common single characters
# (伟 芳 娜 敏 静 ...) and the common two-character names of several generations (秀英 建国
# ... 子涵 浩然). Their frequencies follow a Zipf-Mandelbrot law, p(rank k) ~ (k + OFFSET) **
# -EXPONENT; a share RARE_GIVEN_SHARE of people instead gets two characters drawn freely from
# RARE_GIVEN_CHARS (mostly unique names). The shape is calibrated so that 100,000 generated
# people hold about 11-12 thousand distinct full names, the commonest (李伟 / 王伟 / 李娜)
# held by 600-900 and about three in four people sharing their name with ten or more others,
# as in a province's household register (tests/benchmarks/bench_name_distribution.py).
GIVEN_FEMALE = ("娜 芳 敏 静 秀英 丽 桂英 艳 秀兰 霞 燕 玉兰 娟 玲 红 婷 萍 英 梅 丹 琳 雪 颖 慧 桂兰 "
                "莉 倩 晶 欣 洁 琴 凤英 秀珍 丽娟 海燕 婷婷 丽华 玉梅 春梅 红梅 晓燕 晓红 美玲 金凤 淑珍 "
                "兰 月 云 凤 蓉 青 琼 翠 莹 佳 悦 彤 瑶 怡 璐 雯 欣怡 梓涵 子涵 思雨 雨欣 佳怡 诗涵 可馨 "
                "紫涵 雨涵 欣妍 梦瑶 佳琪 思琪 晓丽 丽萍 小红 小燕 玉珍 玉华 秀云 秀梅 桂芳 桂珍 春花 "
                "秋菊 冬梅 兰英 国英 爱华 淑英 艳红 艳华 美华 丽丽 娜娜 静静 晶晶").split()
GIVEN_MALE = ("伟 强 磊 军 建华 洋 建国 勇 志强 杰 国强 涛 建军 明 超 刚 平 辉 鹏 斌 波 宇 浩 凯 飞 "
              "峰 俊 亮 健 林 龙 华 新 兵 锋 毅 彬 成 东 博 阳 帅 鑫 建平 海涛 志明 俊杰 浩然 子轩 "
              "宇轩 梓睿 浩宇 明辉 国平 国华 永强 小龙 德胜 建新 志刚 海波 晓东 鹏飞 家豪 文博 文 立 "
              "福 荣 光 海 江 山 松 宏 志 德 永 文华 国庆 红兵 卫东 卫国 建设 建明 金龙 志勇 志伟 文军 "
              "国栋 天佑 睿 轩 皓 铭 一鸣 宇航 俊熙 梓豪 浩轩 子豪").split()
GIVEN_EXPONENT = 3.0
GIVEN_OFFSET = 6.0
RARE_GIVEN_SHARE = 0.01
RARE_GIVEN_CHARS = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玲红波斌宇浩凯鹏飞丹"
                        "萍燕俊峰琳雪梅林春晓晨欣怡佳颖婷倩思雨子涵轩博然梓睿一诺宏志海龙德福胜光荣湘楚岳"
                        "衡韶麓沅澧蓉星辰亮健瑞祥兵新民立成永安金玉凤翠云鑫慧")
STREETS = ["人民路", "解放西路", "芙蓉中路", "五一大道", "韶山北路", "麓山南路", "八一路", "劳动西路",
           "湘江中路", "建设北路", "新华路", "中山路", "东风路", "车站北路", "人民东路", "迎宾路",
           "桐梓坡路", "金星大道", "潇湘大道", "雨花路", "天心路", "红旗路", "长青路", "书院路",
           "河西大道", "滨江路", "朝阳路", "光明路", "幸福路", "和平路"]
COMMUNITIES = ["幸福小区", "阳光花园", "锦绣华城", "湘江世纪城", "万家丽苑", "梅溪湖壹号", "金色家园",
               "翠苑小区", "碧桂园", "新城国际"]
ORG_WORDS = ["湘江", "麓山", "星城", "华天", "金霞", "岳麓", "芙蓉", "橘洲", "天心", "雨花", "潇湘",
             "三湘", "楚天", "衡岳", "沅澧", "洞庭", "韶峰", "梅溪", "湘楚", "南岳", "远大", "中联",
             "博长", "华菱", "湘电", "湘福", "金健", "唐人", "汇通", "鑫源", "宏达", "恒信", "瑞丰",
             "益众", "永安", "华强", "新民", "立成", "嘉禾", "兴业", "德润", "明辉", "泰和", "创远"]
ORG_TAILS = ["智远", "鼎盛", "华通", "新创", "宏图", "锦程", "盛世", "天成", "同创", "聚源", "凯达",
             "汇丰", "鸿运", "瑞祥", "卓越", "众联", "博雅", "远航", "恒达", "正邦"]
INDUSTRIES = [("科技", "信息技术"), ("贸易", "批发和零售业"), ("建设工程", "建筑业"), ("实业", "制造业"),
              ("置业", "房地产业"), ("物流", "交通运输"), ("餐饮管理", "住宿和餐饮业"), ("农业开发", "农林牧渔业"),
              ("文化传媒", "文化体育和娱乐业"), ("医药", "卫生和社会工作"), ("投资", "租赁和商务服务业"),
              ("机械设备", "制造业")]
LEGAL_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
EXEC_TITLES = ["董事", "监事", "经理", "董事长", "执行董事"]
ETHNICITIES = ["汉族"] * 9 + ["土家族", "苗族", "侗族", "瑶族"]
HOMOPHONE_GROUPS = ["伟玮炜苇", "芳方舫", "娜纳", "敏闵", "静晶菁", "丽莉俪", "强蔷", "军君钧", "洋阳扬",
                    "勇永咏", "艳燕雁", "杰洁捷", "涛韬", "明鸣铭", "超朝", "霞侠", "平萍坪", "刚钢纲",
                    "华桦", "辉晖徽", "玲伶铃", "红宏鸿", "波博", "斌彬", "宇雨语羽", "浩皓昊", "凯恺",
                    "鹏朋", "飞菲非", "丹单", "峰锋丰", "琳林霖", "雪薛", "梅玫媚", "春椿", "欣馨新心",
                    "怡仪宜", "佳嘉家", "颖莹盈", "婷亭庭", "倩茜", "思斯丝", "涵寒", "轩萱宣", "睿锐瑞",
                    "志智治", "龙隆", "德得", "光广", "荣蓉容", "立丽利", "成诚城", "安岸", "金今锦",
                    "玉钰", "凤风", "云芸", "鑫新", "慧惠", "亮靓", "健建剑", "祥翔", "兵冰", "民敏"]

# Every character a given name can hold (the noise model swaps characters by index in here):
# the ranked names', the rare pool's and the homophones' (so 张伟 can become 张玮).
GIVEN = list(dict.fromkeys("".join(GIVEN_FEMALE) + "".join(GIVEN_MALE)
                           + "".join(RARE_GIVEN_CHARS) + "".join(HOMOPHONE_GROUPS)))
