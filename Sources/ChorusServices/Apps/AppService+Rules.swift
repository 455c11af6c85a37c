import ChorusCore
import ChorusStore
import Foundation

/// What an install or a change must satisfy: URLs, who manages an app,
/// descriptions, scopes, commands, and the bot's username.
extension AppService {
    /// Only http(s) URLs the outbound policy allows; nil stays nil.
    func validURL(_ url: String?) async throws -> String? {
        guard let raw = url?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 2000 else { throw ChorusError.unprocessable("Validation failed: webhook_url is too long") }
        do {
            try await transport.check(url: raw)
        } catch {
            throw ChorusError.unprocessable("Validation failed: webhook_url: \(error.message)")
        }
        return raw
    }

    /// Administrators install company-wide; a team's owners and admins, and
    /// only they, in their team: the bot joins the team and its token and
    /// webhook read it, so a company administrator gets no way in here
    /// (administrators have no special read access to private teams).
    func requireManager(teamID: Int64?, actor: AccountRecord) async throws {
        guard let teamID else {
            guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators install company-wide apps") }
            return
        }
        let role = try await database.teamRole(teamID: teamID, accountID: actor.id)
        if role == nil, try await database.team(id: teamID)?.privacy != .public {
            throw ChorusError.notFound("Team not found")  // a private team is not shown to outsiders
        }
        guard role?.canManage == true else { throw ChorusError.forbidden("Only the team's owners and admins install apps in it") }
    }

    /// `requireManager`, with a refusal turned into "not found": someone
    /// who may not manage a team's apps is not told they exist.
    func requireManagerOrNotFound(teamID: Int64?, actor: AccountRecord, _ message: String) async throws {
        do {
            try await requireManager(teamID: teamID, actor: actor)
        } catch let error as ChorusError where error.kind == .forbidden {
            throw ChorusError.notFound(message)
        }
    }

    static func validDescription(_ raw: String) throws -> String {
        let description = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 300 else { throw ChorusError.unprocessable("Validation failed: the description is longer than 300 characters") }
        return description
    }

    /// Apps hold user-level scopes only; never administration.
    static func validScopes(_ scopes: [String]) throws -> ScopeSet {
        let set = try ScopeSet(parsing: (scopes.isEmpty ? defaultScopes : scopes).joined(separator: " "))
        if let admin = set.scopes.first(where: { $0.hasPrefix("admin") }) {
            throw ChorusError.unprocessable("Validation failed: apps cannot hold administration scopes (\(admin))")
        }
        return set
    }

    static func validCommands(_ commands: [(name: String, description: String)]) throws -> [(name: String, description: String)] {
        guard commands.count <= 20 else { throw ChorusError.unprocessable("Validation failed: at most 20 commands per app") }
        var seen = Set<String>()
        return try commands.map { command in
            let name = command.name.hasPrefix("/") ? String(command.name.dropFirst()) : command.name
            guard SlashCommand.isValidName(name) else {
                throw ChorusError.unprocessable("Validation failed: command names are 1 to 32 lowercase letters, digits, - or _ (got \(command.name))")
            }
            guard seen.insert(name).inserted else { throw ChorusError.unprocessable("Validation failed: /\(name) is listed twice") }
            let description = command.description.trimmingCharacters(in: .whitespacesAndNewlines)
            guard description.count <= 100 else { throw ChorusError.unprocessable("Validation failed: a command description is at most 100 characters") }
            return (name, description)
        }
    }

    /// `faq_bot` for "FAQ", `app_bot` for a name without Latin letters.
    static func botUsername(for name: String) -> String {
        var base = ""
        for c in name.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber { base.append(c) } else if !base.isEmpty, !base.hasSuffix("_") { base.append("_") }
        }
        base = String(base.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(20))
        return (base.isEmpty ? "app" : base) + "_bot"
    }
}
