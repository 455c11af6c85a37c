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
    let database: AppDatabase
    let statuses: StatusService
    let commands: SlashCommandService

    public init(services: Services, renderer: any AppPayloadRenderer, timeout: Duration = .seconds(3)) {
        self.database = services.database
        self.statuses = services.statuses
        self.commands = SlashCommandService(services: services, renderer: renderer, timeout: timeout)
    }

    /// Posts or runs a command. `restrictedTo` is the team of a team-scoped
    /// token: such a caller posts only in that team.
    public func submit(by author: AccountRecord, _ draft: StatusService.Draft, restrictedTo teamID: Int64? = nil) async throws -> Submission {
        var draft = draft
        if let teamID {
            let outside = ChorusError.forbidden("This token may post only in its own team")
            if let asked = draft.teamID, asked != teamID { throw outside }
            if let parentID = draft.inReplyToID {
                guard let parent = try await database.visibleStatus(id: parentID, viewerID: author.id) else {
                    throw ChorusError.notFound("The post you reply to does not exist")
                }
                guard parent.teamId == teamID else { throw outside }
            } else {
                draft.teamID = teamID
                draft.visibility = .team
            }
        }
        switch SlashCommand.read(draft.text) {
        case .text(let text):
            draft.text = text
            return .posted(try await statuses.createStatus(by: author, draft))
        case .command(let command):
            return .command(try await commands.run(command, by: author, draft: draft))
        }
    }
}
