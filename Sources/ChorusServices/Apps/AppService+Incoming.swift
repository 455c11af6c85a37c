import ChorusCore
import ChorusStore
import Foundation

/// Incoming hooks: an app posts as its bot through a secret URL.
extension AppService {
    /// Posts `text` as the bot of the app whose incoming hook has `secret`,
    /// in `teamSlug`'s feed if given (a team install posts in its team).
    public func postIncoming(secret: String, text: String, teamSlug: String?) async throws -> HydratedStatus {
        guard !secret.isEmpty, let installed = try await database.app(incomingHash: SecretGenerator.sha256Hex(secret)),
              installed.bot.isActive else {
            throw ChorusError.notFound("Unknown hook")
        }
        try incomingLimiter.take("app:\(installed.app.id ?? 0)", message: "This hook is posting too fast; try again in a minute")
        var teamID = installed.app.teamId
        if let slug = teamSlug?.trimmingCharacters(in: .whitespaces), !slug.isEmpty {
            guard let view = try await database.teamView(slug: slug, viewerID: installed.bot.id) else { throw ChorusError.notFound("Team not found") }
            if let own = installed.app.teamId, own != view.team.id {
                throw ChorusError.forbidden("This app is installed in another team")
            }
            teamID = view.team.id
        }
        var draft = StatusService.Draft(text: text, visibility: teamID == nil ? .company : .team)
        draft.teamID = teamID
        draft.applicationName = installed.app.name
        return try await statuses.createStatus(by: installed.bot, draft)
    }
}
