import Foundation

/// The message catalogues of the web pages (`Resources/Locales/*.json`):
/// every string a page shows comes from here, in Simplified Chinese,
/// Traditional Chinese or English.
struct Localizer: Sendable {
    static let supported = ["zh-Hans", "zh-Hant", "en"]
    /// Chorus's first companies read Simplified Chinese.
    static let fallback = "zh-Hans"

    private let catalogs: [String: [String: String]]

    init() {
        var catalogs: [String: [String: String]] = [:]
        let folder = Bundle.module.url(forResource: "Locales", withExtension: nil)
        for code in Localizer.supported {
            guard let url = folder?.appendingPathComponent("\(code).json"),
                  let data = try? Data(contentsOf: url),
                  let strings = try? JSONDecoder().decode([String: String].self, from: data) else { continue }
            catalogs[code] = strings
        }
        self.catalogs = catalogs
    }

    /// Every string of a language (the fallback's for a missing key).
    func strings(_ code: String) -> [String: String] {
        let base = catalogs[Localizer.fallback] ?? [:]
        return base.merging(catalogs[code] ?? [:]) { _, chosen in chosen }
    }

    func string(_ key: String, _ code: String) -> String {
        catalogs[code]?[key] ?? catalogs[Localizer.fallback]?[key] ?? key
    }

    /// The language for a page: the reader's own choice if they made one,
    /// else the best match of their browser's `Accept-Language`.
    static func negotiate(chosen: String?, acceptLanguage: String?) -> String {
        if let chosen, supported.contains(chosen) { return chosen }
        var best: (code: String, quality: Double)?
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty, let code = match(tag) else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") { quality = Double(parameter.dropFirst(2)) ?? 0 }
            if quality > (best?.quality ?? 0) { best = (code, quality) }
        }
        return best?.code ?? fallback
    }

    /// A supported language for one BCP 47 tag (lowercased), if any.
    static func match(_ tag: String) -> String? {
        if tag.hasPrefix("zh") {
            if tag.contains("hant") || tag.hasSuffix("-tw") || tag.hasSuffix("-hk") || tag.hasSuffix("-mo") { return "zh-Hant" }
            return "zh-Hans"
        }
        if tag == "en" || tag.hasPrefix("en-") { return "en" }
        return nil
    }

    /// A service's error message (written in English for the API) in the
    /// reader's language, from the catalogue's `error: …` entries.
    func error(_ message: String, _ code: String) -> String {
        if let translated = catalogs[code]?["error: " + message] { return translated }
        for (prefix, suffix, key) in [("The username ", " is taken", "error_username_taken"), ("The team address ", " is taken", "error_team_address_taken"),
                                      ("A public team already has the address ", "", "error_public_team_address_taken")]
        where message.hasPrefix(prefix) && message.hasSuffix(suffix) {
            let name = message.dropFirst(prefix.count).dropLast(suffix.count)
            return string(key, code).replacingOccurrences(of: "{name}", with: name)
        }
        return message
    }

    /// "3 分钟前", "2 hours ago": how long ago `date` was, in `code`.
    func relative(_ date: Date, now: Date, _ code: String) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        func count(_ n: Int, one: String, many: String) -> String {
            n == 1 ? string(one, code) : string(many, code).replacingOccurrences(of: "{n}", with: String(n))
        }
        switch seconds {
        case ..<60: return string("just_now", code)
        case ..<3600: return count(seconds / 60, one: "minute_ago", many: "minutes_ago")
        case ..<86_400: return count(seconds / 3600, one: "hour_ago", many: "hours_ago")
        case ..<(30 * 86_400): return count(seconds / 86_400, one: "day_ago", many: "days_ago")
        default:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: code == "en" ? "en_US_POSIX" : code)
            formatter.dateFormat = code == "en" ? "d MMM yyyy" : "yyyy年M月d日"
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            return formatter.string(from: date)
        }
    }
}
