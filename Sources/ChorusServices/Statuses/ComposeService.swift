import ChorusCore
import ChorusStore
import Foundation

/// What became of something a person sent from the compose box.
public enum Submission: Sendable {
    case posted(HydratedStatus)
    case command(CommandAnswer)
}

/// The compose box's entry point (and `POST /api/v1/statuses`'s): text that
/// starts with `/name` runs the slash command of the app that installed it
/// (`SlashCommandService`) instead of being published; everything else is
/// posted (`StatusService.createStatus`).
public struct ComposeService: Sendable {
    let statuses: StatusService
    let commands: SlashCommandService

    public init(services: Services, renderer: any AppPayloadRenderer, timeout: Duration = .seconds(3)) {
        self.statuses = services.statuses
        self.commands = SlashCommandService(services: services, renderer: renderer, timeout: timeout)
    }

    /// Posts or runs a command. `restrictedTo` is the team of a team-scoped
    /// token: such a caller posts only in that team.
    public func submit(by author: AccountRecord, _ draft: StatusService.Draft, restrictedTo teamID: Int64? = nil) async throws -> Submission {
        var draft = draft
        if let teamID {
            if let asked = draft.teamID, asked != teamID { throw ChorusError.forbidden("This token may post only in its own team") }
            // A reply's team is its parent's, checked where the parent is read.
            if draft.inReplyToID == nil {
                draft.teamID = teamID
                draft.visibility = .team
            }
        }
        switch SlashCommand.read(draft.text) {
        case .text(let text):
            draft.text = text
            return .posted(try await statuses.createStatus(by: author, draft, restrictedTo: teamID))
        case .command(let command):
            return .command(try await commands.run(command, by: author, draft: draft, restrictedTo: teamID))
        }
    }
}
