import ChorusCore
import ChorusStore
import Foundation

/// An app's answer to a slash command.
public struct CommandAnswer: Sendable {
    public enum Visibility: String, Sendable {
        /// Shown only to the person who ran the command.
        case ephemeral
        /// Posted by the app's bot, where the command was given.
        case `public`
    }

    public var command: String
    public var app: AppRecord
    public var bot: AccountRecord
    public var text: String
    public var visibility: Visibility
    /// The bot's post, for a public answer.
    public var status: HydratedStatus?
}

/// Slash commands: `/name …` in the compose box goes to the app that
/// installed the command (the post's team first, then company-wide) as a
/// signed `command.invoked` request, and the app's answer is shown to the
/// caller or posted by its bot. The text itself is never published.
public struct SlashCommandService: Sendable {
    let database: any ChorusDatabase
    let statuses: StatusService
    let transport: any WebhookTransport
    let renderer: any AppPayloadRenderer
    let clock: any ChorusClock
    let timeout: Duration

    public init(services: Services, renderer: any AppPayloadRenderer, timeout: Duration = .seconds(3)) {
        self.database = services.database
        self.statuses = services.statuses
        self.transport = services.transport
        self.renderer = renderer
        self.clock = services.clock
        self.timeout = timeout
    }

    /// Runs `command` where `draft` would have been posted. `restrictedTo`
    /// is the team of a team-scoped token: its commands run in that team only.
    public func run(_ command: SlashCommand, by author: AccountRecord, draft: StatusService.Draft,
                    restrictedTo tokenTeamID: Int64? = nil) async throws -> CommandAnswer {
        var teamID = draft.teamID
        if let parentID = draft.inReplyToID {
            guard let parent = try await database.visibleStatus(id: parentID, viewerID: author.id) else {
                throw ChorusError.notFound("The post you reply to does not exist")
            }
            if let tokenTeamID, parent.teamId != tokenTeamID { throw ChorusError.forbidden("This token may post only in its own team") }
            teamID = parent.teamId
        }
        var team: TeamRecord?
        if let teamID {
            guard let view = try await database.teamView(id: teamID, viewerID: author.id), view.role != nil else {
                throw ChorusError.forbidden("Join the team to use its commands")
            }
            team = view.team
        }
        let unknown = ChorusError.unprocessable("No app answers /\(command.name) here. To post text that starts with a slash, begin it with //")
        guard let installed = try await database.commandApp(name: command.name, teamID: teamID), let url = installed.app.webhookUrl,
              installed.bot.isActive else { throw unknown }
        // A private team's name and members are not told to a company-wide
        // app whose bot is not in the team: its commands do not run there.
        if let team, team.privacy == .private, installed.app.teamId == nil,
           try await database.teamRole(teamID: team.id, accountID: installed.bot.id) == nil {
            throw unknown
        }
        let app = installed.app
        let now = clock.now()
        let data = """
            {"command":\(AppEventBody.string(command.name)),"text":\(AppEventBody.string(command.argument)),\
            "account":\(renderer.account(author)),"team":\(team.map(renderer.team) ?? "null"),\
            "in_reply_to_id":\(draft.inReplyToID.map { "\"\($0)\"" } ?? "null")}
            """
        let body = Data(AppEventBody.make(type: "command.invoked", at: now, data: data).utf8)
        let headers = WebhookSigner.headers(id: AppEventBody.newMessageID(), timestamp: Int(now.timeIntervalSince1970), body: body,
                                            secrets: app.signingSecrets(at: now)) + [("content-type", "application/json")]
        let response: WebhookResponse
        do {
            response = try await transport.post(url: url, headers: headers, body: body, timeout: timeout)
        } catch .timedOut {
            throw ChorusError(.gatewayTimeout, "\(app.name) did not answer /\(command.name) in time")
        } catch {
            throw ChorusError(.badGateway, "\(app.name) could not be reached for /\(command.name)")
        }
        guard (200..<300).contains(response.status) else {
            throw ChorusError(.badGateway, "\(app.name) failed to answer /\(command.name) (it answered \(response.status))")
        }
        guard !response.truncated else { throw ChorusError(.badGateway, "\(app.name)'s answer to /\(command.name) was larger than 64 KiB") }
        let (text, visibility) = try Self.parseAnswer(response.body, appName: app.name)
        var answer = CommandAnswer(command: command.name, app: app, bot: installed.bot, text: text, visibility: visibility)
        guard visibility == .public, !text.isEmpty else { return answer }
        // A public answer is posted by the bot where the command was given,
        // if the bot may post there; otherwise it is shown to the caller only.
        if let teamID, try await database.teamRole(teamID: teamID, accountID: installed.bot.id) == nil {
            answer.visibility = .ephemeral
            return answer
        }
        var reply = StatusService.Draft(text: text, visibility: teamID == nil ? (draft.visibility ?? .company) : .team, inReplyToID: draft.inReplyToID)
        reply.teamID = draft.inReplyToID == nil ? teamID : nil
        reply.applicationName = app.name
        do {
            answer.status = try await statuses.createStatus(by: installed.bot, reply)
        } catch let error as ChorusError where error.kind == .unprocessable {
            throw ChorusError(.badGateway, "\(app.name)'s answer to /\(command.name) could not be posted: \(error.message)")
        }
        return answer
    }

    /// Reads `{"text": …, "visibility": "ephemeral" | "public"}`; an empty
    /// body is an empty ephemeral answer (the command was acknowledged).
    static func parseAnswer(_ body: [UInt8], appName: String) throws -> (String, CommandAnswer.Visibility) {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return ("", .ephemeral) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ChorusError(.badGateway, "\(appName) answered with something that is not a JSON object")
        }
        let text = (object["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let visibility: CommandAnswer.Visibility
        switch object["visibility"] as? String {
        case nil, "ephemeral": visibility = .ephemeral
        case "public": visibility = .public
        default: throw ChorusError(.badGateway, "\(appName) answered with an unknown visibility")
        }
        guard text.count <= 2000 else { throw ChorusError(.badGateway, "\(appName)'s answer is too long") }
        return (text, visibility)
    }
}
