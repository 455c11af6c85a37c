import ChorusCore
import ChorusStore
import Foundation
import GRDB

/// What `chorus seed` makes.
public struct SeedPlan: Sendable {
    public var users: Int
    public var posts: Int
    /// Average follows per person (the graph is skewed: a few people are followed by thousands).
    public var follows: Int
    public var seed: UInt64
    public var teams: Int
    /// People 1…N get the bearer token `bench-user-N` (for load generators).
    public var benchTokens: Int
    public var baseURL: String

    public init(users: Int, posts: Int, follows: Int, seed: UInt64 = 1, teams: Int = 30, benchTokens: Int = 2000, baseURL: String = "http://127.0.0.1:8080") {
        self.users = users
        self.posts = posts
        self.follows = follows
        self.seed = seed
        self.teams = teams
        self.benchTokens = benchTokens
        self.baseURL = baseURL
    }
}

/// Fills an empty database quickly for benchmarks: one transaction and
/// prepared statements. Home timelines need nothing stored: they are merged
/// on read from the posts, follows, teams and tag follows.
public enum BulkSeeder {
    /// Reports a phase and how far it got (0…1).
    public typealias Progress = (_ phase: String, _ done: Double) -> Void

    public struct Summary: Sendable {
        public var users: Int
        public var posts: Int
        public var follows: Int
    }

    struct PostFacts {
        var id: Int64
        var author: Int
        var visibility: Visibility
        var team: Int?
    }

    /// Seeds `path` (which must hold no people yet). `passwordHash` is used
    /// for everyone; `tokenHash` hashes bench tokens as the token table stores them.
    public static func run(path: String, plan: SeedPlan, passwordHash: String, tokenHash: (String) -> String,
                           progress: Progress) throws -> Summary {
        guard plan.users >= 2, plan.posts >= 0, plan.follows >= 0 else { throw ChorusError.badRequest("Seed needs at least 2 users") }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try SQLiteDatabase.migrator().migrate(queue)
        guard try queue.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM accounts") ?? 0 }) == 0 else {
            throw ChorusError.conflict("The database already has people: seed only an empty database")
        }
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
        }
        var random = SeedRandom(seed: plan.seed)
        var summary = Summary(users: plan.users, posts: 0, follows: 0)
        let start = Date().addingTimeInterval(-365 * 24 * 3600)
        let startMillis = Int64(start.timeIntervalSince1970 * 1000)
        let accountIDs = (0..<plan.users).map { (startMillis - Int64(plan.users - $0) * 1000) << 16 }
        let usernames = (1...plan.users).map { "user\($0)" }

        // Secondary indexes are dropped for the load and built again after
        // it: building from finished tables is much faster than keeping them
        // up to date row by row.
        let indexes = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                AND tbl_name IN ('statuses', 'mentions', 'status_tags', 'notifications')
                """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
        }
        try queue.write { db in
            for index in indexes { try db.execute(sql: "DROP INDEX \(index.name)") }
        }

        try queue.inTransaction { db in
            // People
            let insertAccount = try db.makeStatement(sql: """
                INSERT INTO accounts (id, username, display_name, email, role, password_hash, created_at, locale)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for n in 0..<plan.users {
                try insertAccount.execute(arguments: [accountIDs[n], usernames[n], SeedText.displayName(&random), "\(usernames[n])@example.com",
                                                      n == 0 ? "admin" : "member", passwordHash, start, random.chance(0.7) ? "zh-Hans" : "en"])
                if n % 1000 == 0 { progress("people", Double(n) / Double(plan.users)) }
            }

            // Follow graph: targets drawn by popularity rank (Zipf), ranks shuffled over people.
            var popularity = Array(0..<plan.users)
            popularity.shuffle(using: &random)
            let zipf = ZipfSampler(count: plan.users, exponent: 0.9)
            var following = [Set<Int>](repeating: [], count: plan.users)
            let insertFollow = try db.makeStatement(sql: "INSERT INTO follows (account_id, target_account_id, created_at) VALUES (?, ?, ?)")
            for person in 0..<plan.users {
                let wanted = min(plan.users - 1, plan.follows / 2 + random.below(plan.follows + 1))
                var attempts = 0
                while following[person].count < wanted, attempts < wanted * 4 {
                    attempts += 1
                    let target = popularity[zipf.sample(&random)]
                    guard target != person, following[person].insert(target).inserted else { continue }
                    try insertFollow.execute(arguments: [accountIDs[person], accountIDs[target], start])
                    summary.follows += 1
                }
                if person % 500 == 0 { progress("follows", Double(person) / Double(plan.users)) }
            }

            // Teams: two thirds public; 10 to 200 members each, the first an owner.
            var teamMembers: [[Int]] = []
            var teamPrivate: [Bool] = []
            var teamsOf = [[Int]](repeating: [], count: plan.users)
            let insertTeam = try db.makeStatement(sql: """
                INSERT INTO teams (id, name, slug, description, privacy, join_policy, members_count, created_by, created_at)
                VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)
                """)
            let insertMember = try db.makeStatement(sql: "INSERT OR IGNORE INTO team_members (team_id, account_id, role, created_at) VALUES (?, ?, ?, ?)")
            for t in 0..<plan.teams {
                let isPrivate = t % 3 == 2
                let size = min(plan.users, 10 + random.below(190))
                var members = Set<Int>()
                while members.count < size { members.insert(random.below(plan.users)) }
                let list = Array(members)
                teamMembers.append(list)
                teamPrivate.append(isPrivate)
                let teamID = startMillis << 16 | Int64(t + 1)
                try insertTeam.execute(arguments: [teamID, "Team \(t + 1)", "team-\(t + 1)", isPrivate ? "private" : "public",
                                                   isPrivate ? "invite" : "open", list.count, accountIDs[list[0]], start])
                for (index, member) in list.enumerated() {
                    try insertMember.execute(arguments: [teamID, accountIDs[member], index == 0 ? "owner" : "member", start])
                    teamsOf[member].append(t)
                }
            }
            func teamID(_ t: Int) -> Int64 { startMillis << 16 | Int64(t + 1) }

            // Posts.
            let renderer = HTMLRenderer(baseURL: plan.baseURL)
            let known = Set(usernames)
            let insertStatus = try db.makeStatement(sql: """
                INSERT INTO statuses (id, account_id, text, content_html, visibility, in_reply_to_id, in_reply_to_account_id,
                                      reblog_of_id, team_id, kind, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertSearch = try db.makeStatement(sql: "INSERT INTO status_search (rowid, terms) VALUES (?, ?)")
            let insertTag = try db.makeStatement(sql: "INSERT OR IGNORE INTO status_tags (tag, status_id) VALUES (?, ?)")
            let insertMention = try db.makeStatement(sql: "INSERT OR IGNORE INTO mentions (status_id, account_id, direct) VALUES (?, ?, ?)")
            let insertNotification = try db.makeStatement(sql: """
                INSERT INTO notifications (id, account_id, type, from_account_id, status_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            var tagUses: [String: (display: String, count: Int)] = [:]
            var statusCounts = [Int](repeating: 0, count: plan.users)
            var replies: [Int64: Int] = [:]
            var reblogs: [Int64: Int] = [:]
            var recent: [PostFacts] = []
            let authorZipf = ZipfSampler(count: plan.users, exponent: 0.6)
            var activity = Array(0..<plan.users)
            activity.shuffle(using: &random)
            let span = Date().timeIntervalSince(start) * 1000
            var lastMillis: Int64 = 0
            var sequence: Int64 = 0
            for n in 0..<plan.posts {
                var millis = startMillis + Int64(span * Double(n) / Double(max(plan.posts, 1)))
                if millis <= lastMillis { millis = lastMillis; sequence += 1 } else { sequence = 0 }
                lastMillis = millis
                let id = millis << 16 | sequence
                let date = Date(timeIntervalSince1970: Double(millis) / 1000)
                let author = activity[authorZipf.sample(&random)]
                statusCounts[author] += 1

                // A reblog of a recent company post.
                if random.chance(0.03), let original = recent.last(where: { $0.visibility == .company && $0.author != author && $0.team == nil }) {
                    try insertStatus.execute(arguments: [id, accountIDs[author], "", "", "company", nil, nil, original.id, nil, "status", date])
                    reblogs[original.id, default: 0] += 1
                    summary.posts += 1
                    continue
                }

                let text = SeedText.post(&random, usernames: usernames)
                let parsed = TextParser.parse(text)
                var visibility: Visibility = random.chance(0.85) ? .company : (random.chance(0.8) ? .followers : .direct)
                var team: Int?
                var parent: PostFacts?
                if random.chance(0.08), !recent.isEmpty {
                    let candidate = recent[random.below(recent.count)]
                    if candidate.team.map({ teamsOf[author].contains($0) }) ?? (candidate.visibility == .company) {
                        parent = candidate
                        team = candidate.team
                        visibility = candidate.team == nil ? visibility.narrowed(toParent: candidate.visibility) : .team
                    }
                }
                if parent == nil, random.chance(0.1), !teamsOf[author].isEmpty {
                    team = random.pick(teamsOf[author])
                    visibility = .team
                }
                let mentioned = Array(Set(parsed.compactMap { segment -> Int? in
                    guard case .mention(let name) = segment, name.hasPrefix("user"), let n = Int(name.dropFirst(4)), n >= 1, n <= plan.users else { return nil }
                    return n - 1
                }))
                if visibility == .direct, mentioned.isEmpty { visibility = .followers }
                let kind = team != nil && parent == nil && random.chance(0.15) ? "question" : "status"
                try insertStatus.execute(arguments: [id, accountIDs[author], text, renderer.render(parsed, knownUsernames: known),
                                                     visibility.rawValue, parent?.id, parent.map { accountIDs[$0.author] },
                                                     nil, team.map(teamID), kind, date])
                try insertSearch.execute(arguments: [id, SearchTokens.indexTerms(text)])
                if let parent { replies[parent.id, default: 0] += 1 }
                for segment in parsed {
                    guard case .hashtag(let tag) = segment else { continue }
                    try insertTag.execute(arguments: [tag.name, id])
                    tagUses[tag.name, default: (tag.display, 0)].count += 1
                }
                for person in mentioned {
                    try insertMention.execute(arguments: [id, accountIDs[person], visibility == .direct])
                    let canSee = team.map { !teamPrivate[$0] || teamsOf[person].contains($0) } ?? true
                    if person != author, canSee {
                        try insertNotification.execute(arguments: [id | 0x8000, accountIDs[person], "mention", accountIDs[author], id, date])
                    }
                }

                recent.append(PostFacts(id: id, author: author, visibility: visibility, team: team))
                if recent.count > 2000 { recent.removeFirst(1000) }
                summary.posts += 1
                if n % 10_000 == 0 { progress("posts", Double(n) / Double(plan.posts)) }
            }
            progress("posts", 1)

            // Counters.
            progress("counters", 0)
            let updateCount = try db.makeStatement(sql: "UPDATE accounts SET statuses_count = ?, last_status_at = ? WHERE id = ?")
            for person in 0..<plan.users where statusCounts[person] > 0 {
                try updateCount.execute(arguments: [statusCounts[person], Date(), accountIDs[person]])
            }
            try db.execute(sql: """
                UPDATE accounts SET followers_count = (SELECT count(*) FROM follows WHERE target_account_id = accounts.id),
                                    following_count = (SELECT count(*) FROM follows WHERE account_id = accounts.id)
                """)
            let updateReplies = try db.makeStatement(sql: "UPDATE statuses SET replies_count = ? WHERE id = ?")
            for (id, count) in replies { try updateReplies.execute(arguments: [count, id]) }
            let updateReblogs = try db.makeStatement(sql: "UPDATE statuses SET reblogs_count = ? WHERE id = ?")
            for (id, count) in reblogs { try updateReblogs.execute(arguments: [count, id]) }
            let insertTagRow = try db.makeStatement(sql: "INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (?, ?, ?, ?, ?)")
            for (name, use) in tagUses { try insertTagRow.execute(arguments: [name, use.display, start, Date(), use.count]) }

            // Bench tokens: person N signs in with `bench-user-N`.
            try db.execute(sql: """
                INSERT INTO oauth_apps (name, redirect_uris, scopes, client_id, client_secret_hash, created_at)
                VALUES ('Benchmarks', 'urn:ietf:wg:oauth:2.0:oob', 'read write follow', 'bench', 'x', ?)
                """, arguments: [start])
            let appID = db.lastInsertedRowID
            let insertToken = try db.makeStatement(sql: """
                INSERT INTO access_tokens (token_hash, kind, app_id, account_id, scopes, created_at) VALUES (?, 'oauth', ?, ?, 'read write follow', ?)
                """)
            for n in 0..<min(plan.benchTokens, plan.users) {
                try insertToken.execute(arguments: [tokenHash("bench-user-\(n + 1)"), appID, accountIDs[n], start])
            }
            return .commit
        }
        progress("indexes", 0)
        try queue.write { db in
            for (n, index) in indexes.enumerated() {
                try db.execute(sql: index.sql)
                progress("indexes", Double(n + 1) / Double(max(indexes.count, 1)))
            }
        }
        progress("optimize", 0)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "INSERT INTO status_search (status_search) VALUES ('optimize')")
            try db.execute(sql: "ANALYZE")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        progress("done", 1)
        return summary
    }
}
