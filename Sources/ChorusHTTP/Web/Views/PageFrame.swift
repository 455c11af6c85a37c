import ChorusCore
import Foundation
import Mustache

/// What every page shows around its content (`layout.mustache`): the title,
/// the strings of its language, the signed-in person with their form
/// token, the navigation with the current item, the language links, and a
/// notice or an error. Pages put their own values in a content type.
struct PageFrame: MustacheParent, Sendable {
    /// The navigation item a page belongs to (shown as current).
    enum Nav: Sendable { case home, company, teams, search, approvals, admin, notifications, settings }

    let language: String
    let strings: [String: String]
    var title: String
    var nav: Nav?
    var scripts: [String] = []
    var notice: String?
    var error: String?
    /// This page's address, where its forms come back to (`next`).
    var here: String?
    /// The signed-in person's name, form token and roles; nil on pages for anyone.
    var displayName: String?
    var csrf: String?
    var isAdmin = false
    var isEditor = false
    var unread: Int?
    /// The double-submit token of forms shown before signing in.
    var formToken: String?
    let languages: [LanguageLink]

    init(localizer: Localizer, language: String, title: String, session: WebSession?, path: String) {
        self.language = language
        strings = localizer.strings(language)
        self.title = strings[title] ?? title
        if let session {
            displayName = session.account.shownName
            csrf = session.csrf
            isAdmin = session.account.role == .admin
            isEditor = session.account.role != .member
        }
        let next = LinkHeader.encode(path)
        languages = [("zh-Hans", "简体中文"), ("zh-Hant", "繁體中文"), ("en", "English")].map { code, name in
            LanguageLink(code: code, name: name, next: next, current: code == language)
        }
    }

    /// A string of this page's language.
    func string(_ key: String) -> String { strings[key] ?? key }

    func child(named name: String) -> Any? {
        switch name {
        case "t": strings
        case "title": title
        case "user": displayName.map { ["displayName": $0] }
        case "csrf": csrf
        case "isAdmin": isAdmin
        case "isEditor": isEditor
        case "unread": unread
        case "languages": languages
        case "scripts": scripts
        case "notice": notice
        case "error": error
        case "here": here
        case "formToken": formToken
        case "navHome": nav == .home
        case "navCompany": nav == .company
        case "navTeams": nav == .teams
        case "navSearch": nav == .search
        case "navApprovals": nav == .approvals
        case "navAdmin": nav == .admin
        case "navNotifications": nav == .notifications
        case "navSettings": nav == .settings
        default: nil
        }
    }
}

/// A link to the same page in another language.
struct LanguageLink: MustacheParent, Sendable {
    let code: String
    let name: String
    let next: String
    let current: Bool

    func child(named key: String) -> Any? {
        switch key {
        case "code": code
        case "name": name
        case "next": next
        case "current": current
        default: nil
        }
    }
}

/// A page's content inside its frame: a name the content does not know is
/// looked up in the frame.
struct PageView<Content: MustacheParent>: MustacheParent {
    let frame: PageFrame
    let content: Content

    func child(named name: String) -> Any? {
        content.child(named: name) ?? frame.child(named: name)
    }
}

/// A page with nothing of its own but the frame (and its notice or error).
struct NoContent: MustacheParent, Sendable {
    func child(named name: String) -> Any? { nil }
}

/// The friendly page of a message (`message.mustache`): a heading and a sentence.
struct MessageContent: MustacheParent, Sendable {
    let heading: String
    let message: String

    func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "message": message
        default: nil
        }
    }
}

/// A choice in a `<select>`.
struct Choice: MustacheParent, Sendable {
    let value: String
    let label: String
    var selected = false
    /// A word shown next to the label (a channel's kind).
    var kind: String?

    func child(named name: String) -> Any? {
        switch name {
        case "value", "id": value
        case "label", "name": label
        case "selected": selected
        case "kind": kind
        default: nil
        }
    }
}

/// A moment shown three ways: machine-readable, exact (a tooltip), relative.
struct Moment: MustacheParent, Sendable {
    let iso: String
    let exact: String
    let relative: String

    init(_ date: Date, now: Date, language: String, localizer: Localizer) {
        iso = JSON.timestamp(date)
        exact = iso.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
        relative = localizer.relative(date, now: now, language)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "iso": iso
        case "exact": exact
        case "relative": relative
        default: nil
        }
    }
}
