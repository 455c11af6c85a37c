import ChorusCore
import ChorusServices
import ChorusStore

/// What the team routes read from a request.
extension TeamsController {
    /// `GET /chorus/teams`: only the caller's teams, archived ones too.
    struct ListRequest: RequestBody {
        let mine: Bool
        let archived: Bool

        init(_ params: Params) throws {
            mine = try params.bool("mine") ?? false
            archived = try params.bool("archived") ?? false
        }
    }

    /// Creating or editing a team; absent fields stay as they are.
    struct SettingsRequest: RequestBody {
        let name: String?
        let slug: String?
        let description: String?
        let privacy: TeamPrivacy?
        let joinPolicy: TeamJoinPolicy?

        init(_ params: Params) throws {
            name = params.string("name")
            slug = params.nonEmpty("slug")
            description = params.string("description")
            privacy = try params.parse("privacy", TeamPrivacy.init(rawValue:),
                                       invalid: .unprocessable("Validation failed: privacy must be public or private"))
            joinPolicy = try params.parse("join_policy", TeamJoinPolicy.init(rawValue:),
                                          invalid: .unprocessable("Validation failed: join_policy must be open, request or invite"))
        }

        var settings: TeamService.Settings {
            TeamService.Settings(name: name, slug: slug, description: description, privacy: privacy, joinPolicy: joinPolicy)
        }
    }

    /// `GET /chorus/teams/:team/members`: offset paging, 40 a page unless asked.
    struct MembersRequest: RequestBody {
        let limit: Int
        let offset: Int

        init(_ params: Params) throws {
            limit = try params.int("limit") ?? 40
            offset = try params.int("offset") ?? 0
        }
    }

    /// `POST /chorus/teams/:team/members`: who joins, as a member unless a role is given.
    struct AddMemberRequest: RequestBody {
        let accountID: Int64
        let role: TeamRole

        init(_ params: Params) throws {
            guard let accountID = try params.id("account_id") else { throw ChorusError.unprocessable("Validation failed: account_id is missing") }
            self.accountID = accountID
            role = try params.parse("role", TeamRole.init(rawValue:),
                                    invalid: .unprocessable("Validation failed: role must be owner, admin or member")) ?? .member
        }
    }

    /// `GET /chorus/timelines/team/:team`: a kind of post, unanswered questions, a page.
    struct FeedRequest: RequestBody {
        let filter: TeamFeedFilter
        let page: Page

        init(_ params: Params) throws {
            var filter = TeamFeedFilter()
            filter.kind = try params.parse("kind", PostKind.init(rawValue:),
                                           invalid: .badRequest("kind must be status, question or announcement"))
            filter.unanswered = try params.bool("unanswered") ?? false
            self.filter = filter
            page = try params.page()
        }
    }

    /// `POST /chorus/statuses/:status/best_answer`: the reply that answers the question.
    struct BestAnswerRequest: RequestBody {
        let answerID: Int64

        init(_ params: Params) throws {
            guard let answerID = try params.id("answer_id") else { throw ChorusError.unprocessable("Validation failed: answer_id is missing") }
            self.answerID = answerID
        }
    }
}
