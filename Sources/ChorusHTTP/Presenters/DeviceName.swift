/// A short, readable name for the browser and system a User-Agent header
/// describes ("Firefox", "Windows"), for the list of one's sessions. It is
/// a hint to recognise one's own devices, not an identification.
struct DeviceName: Equatable, Sendable {
    var browser: String?
    var system: String?

    /// The first matching marker names it; order matters, since most
    /// browsers also name the ones they descend from.
    static let browsers: [(marker: String, name: String)] = [
        ("wxwork/", "WeCom"), ("MicroMessenger/", "WeChat"), ("DingTalk/", "DingTalk"), ("Lark/", "Lark"), ("Feishu/", "Feishu"),
        ("Edg/", "Edge"), ("EdgiOS/", "Edge"), ("EdgA/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("YaBrowser/", "Yandex"), ("UCBrowser/", "UC Browser"), ("QQBrowser/", "QQ Browser"), ("Vivaldi/", "Vivaldi"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
        ("Version/", "Safari"), ("curl/", "curl"),
    ]

    static let systems: [(marker: String, name: String)] = [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("HarmonyOS", "HarmonyOS"), ("CrOS", "ChromeOS"),
        ("Windows", "Windows"), ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"),
    ]

    init(userAgent: String?) {
        let agent = userAgent ?? ""
        browser = Self.browsers.first { agent.contains($0.marker) }?.name
        system = Self.systems.first { agent.contains($0.marker) }?.name
        if browser == nil, !agent.isEmpty, !agent.hasPrefix("Mozilla/") {
            // Another program ("python-requests/2.31"): its own first word.
            browser = agent.prefix { $0 != "/" && $0 != " " }.prefix(40).description
        }
    }
}
