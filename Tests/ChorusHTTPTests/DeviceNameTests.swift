@testable import ChorusHTTP
import Testing

@Suite("Sessions list: a device in a few words from its User-Agent")
struct DeviceNameTests {
    @Test(arguments: [
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari", "macOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0", "Edge", "Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36", "Chrome", "Windows"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0", "Firefox", "Linux"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari", "iPhone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36", "Chrome", "Android"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49 NetType/WIFI",
         "WeChat", "iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0 Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1",
         "WeCom", "Windows"),
    ])
    func namesCommonBrowsersAndSystems(userAgent: String, browser: String, system: String) {
        let name = DeviceName(userAgent: userAgent)
        #expect(name.browser == browser && name.system == system)
    }

    @Test func otherProgramsAreNamedByTheirFirstWordAndNothingIsUnknown() {
        let program = DeviceName(userAgent: "python-requests/2.31.0")
        #expect(program.browser == "python-requests" && program.system == nil)
        for unknown in [nil, "", "Mozilla/5.0"] {
            let name = DeviceName(userAgent: unknown)
            #expect(name.browser == nil && name.system == nil)
        }
    }
}
