import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// `/api/v1/statuses`: posting, reading, deleting, favourites, reblogs, threads.
struct StatusesController {
    let services: Services
    let presenter: MastodonPresenter
    let compose: ComposeService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("statuses", use: create)
        group.get("statuses/:id", use: show)
        group.delete("statuses/:id", use: delete)
        group.get("statuses/:id/context", use: context)
        group.post("statuses/:id/favourite", use: favourite)
        group.post("statuses/:id/unfavourite", use: unfavourite)
        group.post("statuses/:id/reblog", use: reblog)
        group.post("statuses/:id/unreblog", use: unreblog)
        group.get("statuses/:id/favourited_by", use: favouritedBy)
        group.get("statuses/:id/reblogged_by", use: rebloggedBy)
    }

    /// `POST /api/v1/statuses`: Mastodon's status parameters, plus Chorus's
    /// team and kind of post.
    struct CreateRequest: RequestBody {
        let text: String
        let visibility: Visibility?
        let inReplyToID: Int64?
        /// `quoted_status_id`, or `quote_id` as some clients send it.
        let quotedStatusID: Int64?
        let spoilerText: String?
        let sensitive: Bool
        let language: String?
        let teamID: Int64?
        let kind: PostKind?

        init(_ params: Params) throws {
            text = params.string("status") ?? ""
            visibility = try params.parse("visibility", Visibility.init(apiValue:), invalid: .unprocessable(
                "Validation failed: Visibility is not one of public, unlisted, private, direct, company, followers"))
            inReplyToID = try params.id("in_reply_to_id")
            quotedStatusID = try params.id("quoted_status_id") ?? params.id("quote_id")
            spoilerText = params.string("spoiler_text")
            sensitive = try params.bool("sensitive") ?? false
            language = params.nonEmpty("language")
            teamID = try params.id("chorus_team_id")
            kind = try params.parse("chorus_kind", PostKind.init(rawValue:), invalid: .unprocessable(
                "Validation failed: chorus_kind must be status, question or announcement"))
            if !params.strings("media_ids").isEmpty { throw ChorusError.unprocessable("Chorus posts are text only: media attachments are not supported") }
        }

        /// The draft, with what the request carries outside its body.
        func draft(idempotencyKey: String?, applicationName: String?) -> StatusService.Draft {
            var draft = StatusService.Draft(text: text, visibility: visibility, inReplyToID: inReplyToID, quotedStatusID: quotedStatusID)
            draft.spoilerText = spoilerText
            draft.sensitive = sensitive
            draft.language = language
            draft.idempotencyKey = idempotencyKey
            draft.applicationName = applicationName
            draft.teamID = teamID
            if let kind { draft.kind = kind }
            return draft
        }
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await CreateRequest.decode(request, context: context)
        let draft = body.draft(idempotencyKey: request.headers[.idempotencyKey], applicationName: try await applicationName(context))
        switch try await compose.submit(by: user, draft, restrictedTo: context.principal.teamID) {
        case .posted(let status):
            return try JSON.response(presenter.status(status))
        case .command(let answer):
            return try JSON.response(presenter.commandAnswer(answer))
        }
    }

    /// The name of the app whose token posts, shown as the post's application.
    func applicationName(_ context: AuthenticatedContext) async throws -> String? {
        guard let appID = context.principal.appID else { return nil }
        return try await services.oauth.app(id: appID)?.name
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        return try JSON.response(presenter.status(try await services.statuses.status(id: try context.parameters.id("id"), viewer: user)))
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let deleted = try await services.statuses.deleteStatus(id: try context.parameters.id("id"), by: user)
        return try JSON.response(presenter.status(deleted, includeSource: true))
    }

    @Sendable func context(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let thread = try await services.statuses.context(id: try context.parameters.id("id"), viewer: user)
        return try JSON.response(ContextEntity(ancestors: thread.ancestors.map { presenter.status($0) },
                                               descendants: thread.descendants.map { presenter.status($0) }))
    }

    @Sendable func favourite(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:favourites")
        return try JSON.response(presenter.status(try await services.statuses.favourite(id: try context.parameters.id("id"), by: user)))
    }

    @Sendable func unfavourite(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:favourites")
        return try JSON.response(presenter.status(try await services.statuses.unfavourite(id: try context.parameters.id("id"), by: user)))
    }

    @Sendable func reblog(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        return try JSON.response(presenter.status(try await services.statuses.reblog(id: try context.parameters.id("id"), by: user)))
    }

    @Sendable func unreblog(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        return try JSON.response(presenter.status(try await services.statuses.unreblog(id: try context.parameters.id("id"), by: user)))
    }

    @Sendable func favouritedBy(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let list = try await services.statuses.favouritedBy(id: try context.parameters.id("id"), viewer: user,
                                                            page: try PageRequest.query(request).page(maxLimit: 80))
        return try JSON.response(list.map { presenter.account($0.account) },
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.cursor)))
    }

    @Sendable func rebloggedBy(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let list = try await services.statuses.rebloggedBy(id: try context.parameters.id("id"), viewer: user,
                                                           page: try PageRequest.query(request).page(maxLimit: 80))
        return try JSON.response(list.map { presenter.account($0.account) },
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.cursor)))
    }
}
