import ChorusCore
import ChorusServices

/// The manifest of an app to install, as `POST /api/v1/chorus/apps` takes
/// it (a JSON object or a form) and as the apps pages take it (the same
/// JSON pasted or uploaded, read with `Params(jsonObject:)`): one reading,
/// so the browser and the API accept exactly the same manifests.
struct AppManifestRequest: RequestBody {
    let name: String
    let description: String
    let webhookURL: String?
    let events: [String]
    let scopes: [String]
    let commands: [(name: String, description: String)]
    let incoming: Bool
    let teamID: Int64?

    init(_ params: Params) throws {
        name = params.string("name") ?? ""
        description = params.string("description") ?? ""
        webhookURL = params.nonEmpty("webhook_url")
        events = params.list("events") ?? []
        scopes = params.list("scopes") ?? []
        commands = try Self.commands(params)
        incoming = try params.bool("incoming") ?? false
        teamID = try params.id("team_id")
    }

    var manifest: AppManifest {
        AppManifest(name: name, description: description, webhookURL: webhookURL, events: events, scopes: scopes,
                    commands: commands, incoming: incoming, teamID: teamID)
    }

    /// `commands`: a list of `{"name", "description"}` objects (or names).
    static func commands(_ params: Params) throws -> [(name: String, description: String)] {
        guard let value = params.json["commands"] else {
            return params.strings("commands").map { ($0, "") }
        }
        guard case .array(let items) = value else { throw ChorusError.unprocessable("Validation failed: commands must be a list") }
        return try items.map { item in
            switch item {
            case .string(let name): return (name, "")
            case .object(let object):
                guard case .string(let name)? = object["name"] else { throw ChorusError.unprocessable("Validation failed: every command needs a name") }
                if case .string(let description)? = object["description"] { return (name, description) }
                return (name, "")
            default: throw ChorusError.unprocessable("Validation failed: a command is an object with a name")
            }
        }
    }
}
