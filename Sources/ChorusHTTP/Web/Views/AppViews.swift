import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Mustache

/// An installed app as a card, on the lists and on its own page.
struct AppCard: MustacheParent, Sendable {
    let id: String
    /// Its page: under `/admin/apps` for a company-wide app, under its team's apps otherwise.
    let path: String
    let name: String
    let bot: String
    let incoming: Bool
    /// Absent, not empty: an empty string still opens a Mustache section.
    let description: String?
    let events: String?
    let commands: String?
    let team: String?
    let url: String?
    let disabled: String?

    /// `teamSlugs` holds the address of the team of each team app.
    init(_ installed: InstalledApp, teamSlugs: [Int64: String]) {
        let app = installed.app
        let id = String(app.id ?? 0)
        let team = app.teamId.flatMap { teamSlugs[$0] }
        self.id = id
        self.team = team
        path = team.map { "/teams/\($0)/apps/\(id)" } ?? "/admin/apps/\(id)"
        name = app.name
        bot = installed.bot.username
        incoming = app.incomingHash != nil
        description = app.description.isEmpty ? nil : app.description
        events = app.eventList.isEmpty ? nil : app.eventList.joined(separator: ", ")
        commands = installed.commands.isEmpty ? nil : installed.commands.map { "/" + $0.name }.joined(separator: " ")
        url = app.webhookUrl
        disabled = app.disabledReason
    }

    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "path": path
        case "name": name
        case "bot": bot
        case "incoming": incoming
        case "description": description
        case "events": events
        case "commands": commands
        case "team": team
        case "url": url
        case "disabled": disabled
        default: nil
        }
    }
}

/// A row of an app's delivery log.
struct DeliveryRow: MustacheParent, Sendable {
    let id: String
    /// Where its "send again" form posts.
    let redeliver: String
    let webhookID: String
    let event: String
    let iso: String
    /// To the second, in UTC: the log is read to debug a receiver.
    let exact: String
    let relative: String
    let state: String
    let attempts: String
    let lastStatus: String
    let lastError: String
    let next: String

    init(_ delivery: DeliveryRecord, appPath: String, frame: PageFrame, localizer: Localizer, now: Date) {
        id = String(delivery.id ?? 0)
        redeliver = "\(appPath)/deliveries/\(id)/redeliver"
        webhookID = delivery.messageId
        event = delivery.eventType
        iso = JSON.timestamp(delivery.createdAt)
        exact = Self.exact(delivery.createdAt) + " UTC"
        relative = localizer.relative(delivery.createdAt, now: now, frame.language)
        state = frame.strings["delivery_" + delivery.state.rawValue] ?? delivery.state.rawValue
        attempts = String(delivery.attempts)
        lastStatus = delivery.lastStatus.map(String.init) ?? "—"
        lastError = delivery.lastError ?? ""
        next = delivery.state == .pending ? delivery.nextAttemptAt.map(Self.exact) ?? "" : ""
    }

    static func exact(_ date: Date) -> String { JSON.timestamp(date).prefix(19).replacingOccurrences(of: "T", with: " ") }

    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "redeliver": redeliver
        case "webhookID": webhookID
        case "event": event
        case "iso": iso
        case "exact": exact
        case "relative": relative
        case "state": state
        case "attempts": attempts
        case "lastStatus": lastStatus
        case "lastError": lastError
        case "next": next
        default: nil
        }
    }
}

/// One app's page below its card: rotating, re-enabling, uninstalling,
/// and the delivery log.
struct AppDetail: MustacheParent, Sendable {
    let name: String
    let path: String
    /// The endpoint's URL when a 410 disabled it (saving it again re-enables it).
    let disabledURL: String?
    /// Until when the secret before the last rotation still signs, if it does.
    let previousUntil: Moment?
    let deliveries: [DeliveryRow]
    let older: String?

    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "path": path
        case "disabledURL": disabledURL
        case "previousUntil": previousUntil
        case "deliveries": deliveries
        case "older": older
        default: nil
        }
    }
}

/// Secrets shown once, on the page that answers the install or the
/// rotation, and never again.
struct OnceSecrets: MustacheParent, Sendable {
    let webhookSecret: String
    /// The bot's token and the incoming hook's URL: only after an install.
    var accessToken: String?
    var incomingURL: String?
    /// After a rotation: until when the previous secret still signs.
    var rotatedUntil: Moment?

    func child(named key: String) -> Any? {
        switch key {
        case "webhookSecret": webhookSecret
        case "accessToken": accessToken
        case "incomingURL": incomingURL
        case "rotatedUntil": rotatedUntil
        default: nil
        }
    }
}

/// The apps pages (`apps.mustache`): the administrators' (company-wide
/// apps) or one team's, a list with the install form, or one app's page.
struct AppsContent: MustacheParent, Sendable {
    /// Where the apps and their forms live: `/admin/apps` or `/teams/<slug>/apps`.
    let base: String
    /// The team whose apps these are; nil on the administrators' pages.
    let teamPlace: TeamHeader?
    let apps: [AppCard]
    var app: AppDetail?
    var secrets: OnceSecrets?
    /// The install form's text, kept when the manifest was refused.
    var manifest = ""

    func child(named key: String) -> Any? {
        switch key {
        case "base": base
        case "teamPlace": teamPlace
        case "apps": apps
        case "app": app
        case "secrets": secrets
        case "manifest": manifest
        default: nil
        }
    }
}
