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

    /// Seeds the demo company into an empty database; returns the sign-ins.
    public static func seed(_ services: Services) async throws -> [SignIn] {
        guard try await services.database.accountCount() == 0 else { return [] }
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
        return people.map { SignIn(username: $0.0, password: password, role: $0.2) }
    }
}
