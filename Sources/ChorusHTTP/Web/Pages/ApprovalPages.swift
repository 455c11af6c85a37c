import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The editors' review queue of the brand bridge (`/approvals`): each
/// nominated post with the exact text each channel will receive; approve
/// (now or at a time), reject, retract, and retry a failed export.
struct ApprovalPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to editors: RouterGroup<SignedInContext>) {
        editors.get("approvals", use: approvals)
        for action in Decision.allCases {
            editors.post("approvals/:id/\(action.rawValue)") { request, context in try await self.decide(action, request, context: context) }
        }
        editors.post("approvals/exports/:id/retry", use: retry)
    }

    /// The text one channel would receive.
    struct Preview: MustacheParent {
        let channel: String
        let slug: String
        let text: String
        let length: Int
        let max: Int
        let problem: String?

        func child(named name: String) -> Any? {
            switch name {
            case "channel": channel
            case "slug": slug
            case "text": text
            case "length": length
            case "max": max
            case "problem": problem
            default: nil
            }
        }
    }

    /// A nomination waiting for review.
    struct Pending: MustacheParent {
        let id: String
        let statusID: String
        let text: String
        let author: String
        let nominator: String
        let moment: Moment
        let note: String?
        let previews: [Preview]

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "statusID": statusID
            case "text": text
            case "author": author
            case "nominator": nominator
            case "note": note
            case "previews": previews
            default: moment.child(named: name)
            }
        }
    }

    /// One channel's export of a decided nomination.
    struct ExportRow: MustacheParent {
        let id: String
        let channel: String
        let code: String
        let state: String
        let attempts: String
        let error: String
        let retryable: Bool
        let url: String?

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "channel": channel
            case "code": code
            case "state": state
            case "attempts": attempts
            case "error": error
            case "retryable": retryable
            case "url": url
            default: nil
            }
        }
    }

    /// A decided nomination and its exports.
    struct Decided: MustacheParent {
        let id: String
        let statusID: String
        let text: String
        let author: String
        let state: String
        let retractable: Bool
        let exports: [ExportRow]
        let reason: String?
        let publishAt: String?

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "statusID": statusID
            case "text": text
            case "author": author
            case "state": state
            case "retractable": retractable
            case "exports": exports
            case "reason": reason
            case "publishAt": publishAt
            default: nil
            }
        }
    }

    struct Content: MustacheParent {
        let pending: [Pending]
        let recent: [Decided]

        func child(named name: String) -> Any? {
            switch name {
            case "pending": pending
            case "recent": recent
            default: nil
            }
        }
    }

    @Sendable func approvals(_ request: Request, context: SignedInContext) async throws -> Response {
        var frame = await frame(request, context)
        if let done = Params(query: request).string("done"), ["approved", "rejected", "retracted", "retried"].contains(done) {
            frame.notice = frame.string("\(done)_notice")
        }
        return try await approvalsPage(frame, context: context)
    }

    private func frame(_ request: Request, _ context: SignedInContext) async -> PageFrame {
        await web.frame(request, context.session, title: "approvals_title", path: "/approvals", nav: .approvals)
    }

    func approvalsPage(_ frame: PageFrame, context: SignedInContext, status: HTTPResponse.Status = .ok) async throws -> Response {
        let channels = Dictionary(uniqueKeysWithValues: try await services.bridge.channels().map { ($0.id ?? 0, $0) })
        let pending = try await services.bridge.nominations(state: .pending, by: context.account, page: Page(limit: 40))
        let recent = try await services.bridge.nominations(state: nil, by: context.account, page: Page(limit: 40)).filter { $0.nomination.state != .pending }
        let people = Set(pending.flatMap { [$0.nomination.authorId, $0.nomination.nominatedBy] } + recent.map(\.nomination.authorId))
        let usernames = Dictionary(uniqueKeysWithValues: try await services.accounts.accounts(ids: Array(people)).map { ($0.id, $0.username) })
        let now = Date()
        var pendingRows: [Pending] = []
        for view in pending {
            let record = view.nomination
            let previews = try await services.bridge.preview(view).map { preview in
                Preview(channel: preview.channel.name, slug: preview.channel.slug, text: preview.text, length: preview.length,
                        max: preview.channel.maxCharacters, problem: preview.problem.map { web.pages.localizer.error($0, frame.language) })
            }
            pendingRows.append(Pending(id: String(record.id ?? 0), statusID: String(record.statusId), text: record.text,
                                       author: usernames[record.authorId] ?? "", nominator: usernames[record.nominatedBy] ?? "",
                                       moment: web.presenter.moment(record.createdAt, now: now, language: frame.language),
                                       note: record.note.isEmpty ? nil : record.note, previews: previews))
        }
        let decided = recent.prefix(20).map { view in
            let record = view.nomination
            return Decided(
                id: String(record.id ?? 0), statusID: String(record.statusId), text: record.text, author: usernames[record.authorId] ?? "",
                state: frame.strings["state_\(record.state.rawValue)"] ?? record.state.rawValue, retractable: record.state == .approved,
                exports: view.exports.map { export in
                    ExportRow(id: String(export.id ?? 0), channel: channels[export.channelId]?.name ?? "", code: export.state.rawValue,
                              state: frame.strings["export_\(export.state.rawValue)"] ?? export.state.rawValue, attempts: String(export.attempts),
                              error: export.lastError ?? "",
                              retryable: export.state == .failed || (export.state == .retracting && export.lastError != nil), url: export.externalUrl)
                },
                reason: record.reviewReason.flatMap { $0.isEmpty ? nil : $0 },
                publishAt: record.publishAt.map { JSON.timestamp($0).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC" })
        }
        return web.render("approvals", frame, Content(pending: pendingRows, recent: Array(decided)), status: status)
    }

    enum Decision: String, CaseIterable, Sendable {
        case approve, reject, retract

        var done: String {
            switch self {
            case .approve: "approved"
            case .reject: "rejected"
            case .retract: "retracted"
            }
        }
    }

    /// What a decision sends: a time to publish at (approve), a reason (reject, retract).
    struct DecisionForm: RequestBody {
        let publishAt: Date?
        let reason: String

        init(_ params: Params) throws {
            reason = params.string("reason") ?? ""
            guard let raw = params.nonEmpty("publish_at") else {
                publishAt = nil
                return
            }
            guard let date = JSON.parseTimestamp(raw) ?? JSON.parseTimestamp(raw + ":00Z") else {
                throw ChorusError.unprocessable("Validation failed: publish_at must be an ISO 8601 time such as 2026-12-01T09:00:00Z")
            }
            publishAt = date
        }
    }

    func decide(_ decision: Decision, _ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        do {
            let form = try context.form(DecisionForm.self)
            switch decision {
            case .approve: _ = try await services.bridge.approve(id: id, publishAt: form.publishAt, by: context.account)
            case .reject: _ = try await services.bridge.reject(id: id, reason: form.reason, by: context.account)
            case .retract: _ = try await services.bridge.retract(id: id, reason: form.reason, by: context.account)
            }
            return Web.redirect("/approvals?done=\(decision.done)")
        } catch let error as ChorusError where Web.isShown(error) {
            return try await refused(error, request, context: context, status: error.kind == .forbidden ? .forbidden : .unprocessableContent)
        }
    }

    @Sendable func retry(_ request: Request, context: SignedInContext) async throws -> Response {
        do {
            _ = try await services.bridge.retryExport(id: try context.parameters.id("id"), by: context.account)
            return Web.redirect("/approvals?done=retried")
        } catch let error as ChorusError where Web.isShown(error) {
            return try await refused(error, request, context: context, status: .unprocessableContent)
        }
    }

    private func refused(_ error: ChorusError, _ request: Request, context: SignedInContext, status: HTTPResponse.Status) async throws -> Response {
        var frame = await frame(request, context)
        frame.error = web.error(error, frame)
        return try await approvalsPage(frame, context: context, status: status)
    }
}
