/// Realistic post texts for benchmark databases: Chinese and English
/// sentences, hashtags, mentions and links.
enum SeedText {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英", "建华", "晓东", "婷婷"]
    static let englishNames = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack", "Kevin", "Lily"]
    static let chinese = [
        "新版本的发布会定在周五下午三点，请大家准时参加",
        "测试环境已经准备好了，今晚完成回归测试",
        "食堂今天有小笼包，去晚了就没了",
        "季度规划文档周四截止，有问题随时找我",
        "服务器迁移顺利完成，感谢运维同学的辛苦付出",
        "客户反馈登录偶尔白屏，正在排查原因",
        "下周一全员大会，地点在三楼报告厅",
        "代码评审请在今天下班前完成",
        "新同事入职，欢迎加入我们的团队",
        "会议室预订系统升级了，大家试一下",
        "本周客服满意度百分之九十六，谢谢大家",
        "数据库备份策略更新，请相关同事确认",
        "年会节目报名开始了，欢迎踊跃参加",
        "产品需求评审改到明天上午十点",
    ]
    static let english = [
        "Shipped the new search today, two-character Chinese words now match instantly",
        "Reminder: quarterly planning docs are due Thursday",
        "Thanks everyone for the quick turnaround on the hotfix",
        "The staging build is green again after the certificate renewal",
        "Lunch and learn on Friday: profiling Swift servers",
        "Please review the rollback plan before the release",
        "Customer care closed 120 tickets this week",
        "Welcome to the team, glad to have you here",
        "The design review moved to Wednesday morning",
        "On-call handover notes are in the wiki",
    ]
    static let tags = ["发布会", "周报", "公司公告", "客服", "招聘", "swift", "release", "oncall", "design", "年会", "技术分享", "安全"]

    /// A post of at most 140 characters by the Chorus rules.
    static func post(_ random: inout SeedRandom, usernames: [String]) -> String {
        var text = random.chance(0.7) ? random.pick(chinese) : random.pick(english)
        if random.chance(0.3) {
            let tag = random.pick(tags)
            text = random.chance(0.5) ? "#\(tag)# " + text : text + " #\(tag)"
        }
        if random.chance(0.2) { text += " @" + random.pick(usernames) }
        if random.chance(0.05) { text += " https://wiki.example.com/page/\(random.below(10_000))" }
        if random.chance(0.1) { text += " 👍" }
        return text
    }

    static func displayName(_ random: inout SeedRandom) -> String {
        random.chance(0.75) ? String(random.pick(surnames)) + random.pick(givenNames) : random.pick(englishNames) + " " + String(random.pick(surnames))
    }
}
