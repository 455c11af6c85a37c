import ChorusCore
import ChorusStore
import Foundation

/// A small demo company: people with Chinese and English names, follows and
/// posts, so a fresh `chorus serve --demo` has something to show.
public enum DemoCompany {
    /// A demo sign-in to print.
    public struct SignIn: Sendable {
        public var username: String
        public var password: String
        public var role: Role
    }

    /// What seeding made: the sign-ins, and the demo CI app's incoming hook
    /// (its secret exists only here, so it is printed once at seeding).
    public struct Seeded: Sendable {
        public var signIns: [SignIn]
        public var ciHookURL: String?
    }

    static let password = "chorus-demo"

    static let people: [(String, String, Role)] = [
        ("admin", "管理员 Admin", .admin),
        ("wangfang", "王芳", .editor),
        ("lihua", "李华", .member),
        ("zhangwei", "张伟", .member),
        ("chenjing", "陈静", .member),
        ("alice", "Alice Chen", .member),
        ("bob", "Bob Liu", .member),
    ]

    static let posts: [(String, String, Visibility)] = [
        ("wangfang", "欢迎来到 Chorus！这里是公司内部的微博，发帖请注意保密。#公司公告#", .company),
        ("lihua", "新版本的发布会定在周五下午三点，#发布会# 请大家准时参加 @zhangwei", .company),
        ("zhangwei", "收到！测试环境已经准备好了，今晚完成回归测试。#发布会#", .company),
        ("alice", "Shipped the new search: two-character Chinese words like 发布 now match instantly. #search", .company),
        ("chenjing", "食堂今天有小笼包 🥟，去晚了就没了！", .company),
        ("bob", "Reminder: quarterly planning docs are due Thursday. Ping me with questions.", .followers),
        ("lihua", "今天的站会改到十点半，会议室 3A。", .company),
        ("alice", "@bob thanks for the review on the timeline patch — merged 🎉", .company),
    ]

    /// Seeds the demo company into an empty database; nothing (no sign-ins)
    /// if it has people already.
    public static func seed(_ services: Services) async throws -> Seeded {
        guard try await services.database.accountCount() == 0 else { return Seeded(signIns: [], ciHookURL: nil) }
        var accounts: [String: AccountRecord] = [:]
        for (username, name, role) in people {
            accounts[username] = try await services.accounts.createUser(
                .init(username: username, password: password, displayName: name, email: "\(username)@example.com", role: role))
        }
        for (follower, account) in accounts {
            for (target, other) in accounts where target != follower && (follower.count + target.count) % 3 != 0 {
                _ = try await services.follows.follow(other.id, by: account)
            }
        }
        var first: HydratedStatus?
        for (username, text, visibility) in posts {
            let posted = try await services.statuses.createStatus(by: accounts[username]!, .init(text: text, visibility: visibility))
            if first == nil { first = posted }
        }
        if let first {
            _ = try await services.statuses.favourite(id: first.status.id, by: accounts["lihua"]!)
            _ = try await services.statuses.createStatus(by: accounts["chenjing"]!, .init(text: "收到，已读 👍", inReplyToID: first.status.id))
            _ = try await services.statuses.createStatus(by: accounts["bob"]!, .init(text: "转发：大家看一下 Welcome aboard!", quotedStatusID: first.status.id))
        }
        let hook = try await seedTeams(services, accounts)
        try await seedBridge(services, accounts)
        return Seeded(signIns: people.map { SignIn(username: $0.0, password: password, role: $0.2) }, ciHookURL: hook)
    }

    /// Two public teams and a private one, with a question answered and an
    /// announcement pinned, and a CI app in the release team that has posted
    /// through its incoming hook; returns the hook's URL.
    static func seedTeams(_ services: Services, _ accounts: [String: AccountRecord]) async throws -> String? {
        let teams = services.teams
        func post(_ author: String, _ team: TeamRecord, _ text: String, kind: PostKind = .status, replyTo: Int64? = nil) async throws -> HydratedStatus {
            var draft = StatusService.Draft(text: text, inReplyToID: replyTo)
            draft.teamID = replyTo == nil ? team.id : nil
            draft.kind = kind
            return try await services.statuses.createStatus(by: accounts[author]!, draft)
        }

        let release = try await teams.createTeam(by: accounts["lihua"]!, .init(
            name: "发布组 Release", slug: "release", description: "新版本发布的协调：测试、上线、回滚预案。", privacy: .public, joinPolicy: .open)).team
        for name in ["zhangwei", "alice", "bob"] { _ = try await teams.join(id: release.id, by: accounts[name]!) }
        let announcement = try await post("lihua", release, "【公告】v3.2 周五 15:00 上线，周四 18:00 代码冻结。#发布会#", kind: .announcement)
        _ = try await teams.pin(teamID: release.id, statusID: announcement.status.id, by: accounts["lihua"]!)
        let question = try await post("alice", release, "Staging build fails on the payments module since this morning — anyone seen this?", kind: .question)
        let answer = try await post("zhangwei", release, "是证书过期了，我已经更新了 staging 的证书，重新跑一下就好。", replyTo: question.status.id)
        _ = try await post("alice", release, "Re-ran it, all green now. Thanks! 🎉", replyTo: answer.status.id)
        _ = try await teams.chooseBestAnswer(questionID: question.status.id, answerID: answer.status.id, by: accounts["alice"]!)
        _ = try await post("bob", release, "Rollback plan is in the wiki; please review before Thursday.")
        let ci = try await services.apps.install(AppManifest(name: "构建机器人 CI", description: "Posts build results into the release team.",
                                                             incoming: true, teamID: release.id), by: accounts["lihua"]!)
        if let url = ci.incomingURL, let secret = url.split(separator: "/").last {
            _ = try await services.apps.postIncoming(secret: String(secret), text: "构建 #128 通过 ✅ staging 已部署 v3.2-rc1", teamSlug: nil)
        }

        let support = try await teams.createTeam(by: accounts["chenjing"]!, .init(
            name: "客服快速响应 Customer care", slug: "customer-care", description: "客户问题的快速响应流程。", privacy: .public, joinPolicy: .request)).team
        _ = try await teams.addMember(teamID: support.id, accountID: accounts["wangfang"]!.id, role: .admin, by: accounts["chenjing"]!)
        _ = try await post("chenjing", support, "客户反馈：App 登录后偶尔白屏，已收集到 3 个案例，正在排查。", kind: .question)
        _ = try await post("wangfang", support, "本周客服满意度 96%，谢谢大家！#客服#")

        let falcon = try await teams.createTeam(by: accounts["admin"]!, .init(
            name: "猎鹰计划 Project Falcon", slug: "falcon", description: "未发布的新产品：内容保密。", privacy: .private, joinPolicy: .invite)).team
        _ = try await teams.addMember(teamID: falcon.id, accountID: accounts["lihua"]!.id, role: .admin, by: accounts["admin"]!)
        _ = try await teams.addMember(teamID: falcon.id, accountID: accounts["wangfang"]!.id, role: .member, by: accounts["admin"]!)
        _ = try await post("admin", falcon, "猎鹰原型机下周到货，请勿外传。Prototype arrives next week.", kind: .announcement)
        _ = try await post("lihua", falcon, "已预订 5 楼会议室做评审。")
        return ci.incomingURL
    }

    /// The public Atom channel "官方动态", one post approved for it (the
    /// server publishes it when it starts) and one waiting for review.
    static func seedBridge(_ services: Services, _ accounts: [String: AccountRecord]) async throws {
        let bridge = services.bridge
        let news = try await bridge.createChannel(ChannelSettings(name: "官方动态 Company news", slug: "news", kind: .atom, maxCharacters: 500,
                                                                  mentionsAsNames: true),
                                                  by: accounts["admin"]!).channel
        _ = try await bridge.addLeakRule(kind: "word", value: "猎鹰", note: "未公开的项目代号", by: accounts["admin"]!)
        let launch = try await services.statuses.createStatus(by: accounts["lihua"]!, .init(
            text: "Chorus 3.2 正式发布：搜索更快，中文两个字也能搜到。感谢 @zhangwei 和测试组！#发布会#", visibility: .company))
        let approved = try await bridge.nominate(statusID: launch.status.id, channelIDs: [news.id!], note: "适合放到官网动态", by: accounts["alice"]!)
        _ = try await bridge.approve(id: approved.nomination.id!, publishAt: nil, by: accounts["wangfang"]!)
        let canteen = try await services.statuses.createStatus(by: accounts["chenjing"]!, .init(
            text: "公司食堂新增了素食窗口 🥗，欢迎大家尝试！", visibility: .company))
        _ = try await bridge.nominate(statusID: canteen.status.id, channelIDs: [news.id!], note: "", by: accounts["bob"]!)
    }
}
