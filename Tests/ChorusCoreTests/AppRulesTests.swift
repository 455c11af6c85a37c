import ChorusCore
import Foundation
import Testing

@Suite("App rules: slash commands, retry schedule, outbound allowlist")
struct AppRulesTests {
    @Test func slashCommandsAndTheirEscape() {
        #expect(SlashCommand.read("/faq 退货 怎么办") == .command(SlashCommand(name: "faq", argument: "退货 怎么办")))
        #expect(SlashCommand.read("  /Stand-up") == .command(SlashCommand(name: "stand-up", argument: "")))
        #expect(SlashCommand.read("/etc/hosts 坏了") == .text("/etc/hosts 坏了"))
        #expect(SlashCommand.read("//faq is a command") == .text("/faq is a command"))
        #expect(SlashCommand.read("/发布 x") == .text("/发布 x"))
        #expect(SlashCommand.read("hello /faq") == .text("hello /faq"))
        #expect(SlashCommand.read("/ space") == .text("/ space"))
        #expect(SlashCommand.isValidName("faq") && SlashCommand.isValidName("ci_2") && !SlashCommand.isValidName("-x"))
        #expect(!SlashCommand.isValidName(String(repeating: "a", count: 33)) && !SlashCommand.isValidName("FAQ"))
    }

    @Test func theRetryScheduleBacksOffWithJitterThenGivesUp() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delays == [5, 300, 1800, 7200, 18000, 36000])
        #expect(schedule.delay(afterAttempts: 1, random: 0) == 5)
        #expect(schedule.delay(afterAttempts: 1, random: 1) == 6)
        #expect(schedule.delay(afterAttempts: 6, random: 0.5) == 36000 * 1.1)
        #expect(schedule.delay(afterAttempts: 7) == nil)
        #expect(schedule.delay(afterAttempts: 2, retryAfter: 60) == 60)
        #expect(schedule.delay(afterAttempts: 2, retryAfter: 10 * 86400) == 36000)
        #expect(RetrySchedule(parsing: "1, 2,3")?.delays == [1, 2, 3])
        #expect(RetrySchedule(parsing: "1,x") == nil && RetrySchedule(parsing: "") == nil && RetrySchedule(parsing: "-1") == nil)
    }

    @Test func addressesAndNetworks() throws {
        #expect(IPAddress("10.1.2.3")?.bytes == [10, 1, 2, 3])
        #expect(IPAddress("::1")?.bytes == Array(repeating: 0, count: 15) + [1])
        #expect(IPAddress("[fe80::1]")?.isPublic == false)
        #expect(IPAddress("256.1.1.1") == nil && IPAddress("1.2.3") == nil && IPAddress("1::2::3") == nil)
        #expect(IPAddress("8.8.8.8")?.isPublic == true && IPAddress("2001:4860::8888")?.isPublic == true)
        for special in ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1", "fd00::1"] {
            #expect(IPAddress(special)?.isPublic == false, "\(special)")
        }
        let network = try #require(IPNetwork(parsing: "10.0.0.0/8"))
        #expect(network.contains(IPAddress("10.200.1.1")!) && !network.contains(IPAddress("11.0.0.1")!))
        #expect(IPNetwork(parsing: "10.0.0.0/33") == nil)
    }

    @Test func theAllowlistKeepsWebhooksOffInternalAddressesUnlessNamed() throws {
        let open = HostAllowlist.empty
        #expect(open.allows(host: "hooks.example.com", addresses: [IPAddress("93.184.216.34")!]))
        #expect(!open.allows(host: "localhost", addresses: [IPAddress("127.0.0.1")!]))
        #expect(!open.allows(host: "sneaky.example.com", addresses: [IPAddress("93.184.216.34")!, IPAddress("10.0.0.5")!]))
        #expect(!open.allows(host: "nowhere", addresses: []))

        let list = try HostAllowlist(parsing: ["127.0.0.1", "*.corp.example.com", "10.0.0.0/8", "CI.Example.com"])
        #expect(list.allows(host: "127.0.0.1", addresses: [IPAddress("127.0.0.1")!]))
        #expect(!list.allows(host: "localhost", addresses: [IPAddress("::1")!]))
        #expect(list.allows(host: "bot.corp.example.com", addresses: [IPAddress("172.20.0.9")!]))
        #expect(list.allows(host: "ci.example.com", addresses: [IPAddress("192.168.3.3")!]))
        #expect(list.allows(host: "build", addresses: [IPAddress("10.9.9.9")!]))
        // With a list, only what it names is allowed, public or not.
        #expect(!list.allows(host: "hooks.example.com", addresses: [IPAddress("93.184.216.34")!]))
        #expect(throws: ChorusError.self) { try HostAllowlist(parsing: ["http://x"]) }
        #expect(try HostAllowlist(parsing: [" ", "A.b"]).entries == ["a.b"])
    }
}
