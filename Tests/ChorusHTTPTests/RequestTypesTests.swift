import ChorusCore
@testable import ChorusHTTP
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("HTTP: request types read what Mastodon clients send")
struct RequestTypesTests {
    /// The parameters of a query string, as a GET route reads them.
    func params(_ query: String) -> Params {
        Params(query: Request(head: HTTPRequest(method: .get, scheme: "https", authority: "chorus.test", path: "/x?\(query)"),
                              body: .init(buffer: ByteBuffer())))
    }

    // MARK: Tests

    @Test func aQuoteIsReadFromEitherName() throws {
        #expect(try StatusesController.CreateRequest(params("status=hi&quote_id=5")).quotedStatusID == 5)
        #expect(try StatusesController.CreateRequest(params("status=hi&quoted_status_id=7&quote_id=5")).quotedStatusID == 7)
        #expect(throws: ChorusError.badRequest("quoted_status_id must be an id")) {
            try StatusesController.CreateRequest(params("status=hi&quoted_status_id=x"))
        }
    }

    @Test func aPostKeepsTheDraftsDefaultsForWhatIsNotSent() throws {
        let draft = try StatusesController.CreateRequest(params("status=hi")).draft(idempotencyKey: "k", applicationName: "toot")
        #expect(draft.text == "hi" && draft.visibility == nil && draft.kind == .status && !draft.sensitive)
        #expect(draft.idempotencyKey == "k" && draft.applicationName == "toot")
        let question = try StatusesController.CreateRequest(params("status=hi&chorus_kind=question&visibility=unlisted&sensitive=1"))
            .draft(idempotencyKey: nil, applicationName: nil)
        #expect(question.kind == .question && question.visibility == Visibility(apiValue: "unlisted") && question.sensitive)
    }

    @Test func mediaAndUnknownValuesAreRefusedWithTheirReason() {
        #expect(throws: ChorusError.unprocessable("Chorus posts are text only: media attachments are not supported")) {
            try StatusesController.CreateRequest(self.params("status=hi&media_ids[]=1"))
        }
        #expect(throws: ChorusError.unprocessable("Validation failed: chorus_kind must be status, question or announcement")) {
            try StatusesController.CreateRequest(self.params("status=hi&chorus_kind=poll"))
        }
        #expect(throws: ChorusError.badRequest("kind must be status, question or announcement")) {
            try TeamsController.FeedRequest(self.params("kind=poll"))
        }
    }

    @Test func aPageFallsBackToTheDefaultLengthAndIsCappedPerRoute() throws {
        #expect(try PageRequest(params("limit=abc")).page() == Page(limit: Page.defaultLimit))
        #expect(try PageRequest(params("limit=500")).page(maxLimit: 80).limit == 80)
        #expect(try PageRequest(params("limit=500")).page().limit == Page.maxLimit)
        #expect(try PageRequest(params("max_id=9&since_id=3")).page() == Page(maxID: 9, sinceID: 3))
        #expect(throws: ChorusError.badRequest("max_id must be an id")) { try PageRequest(self.params("max_id=x")) }
    }

    @Test func listsThatCanMatchNothingDoNotReadTheirCursors() throws {
        #expect(try TimelinesController.CompanyRequest(params("only_media=true&max_id=x")).page == nil)
        #expect(try AccountsController.StatusesRequest(params("pinned=true&max_id=x")).page == nil)
        #expect(try TimelinesController.CompanyRequest(params("max_id=4")).page == Page(maxID: 4))
        #expect(throws: ChorusError.badRequest("max_id must be an id")) { try TimelinesController.CompanyRequest(self.params("max_id=x")) }
    }

    @Test func notificationFiltersAreReadAsLists() throws {
        let query = try NotificationsController.ListRequest(params("types[]=mention&types[]=favourite&exclude_types[]=follow&limit=100"))
        #expect(query.types == ["mention", "favourite"] && query.excludeTypes == ["follow"] && query.page.limit == 80)
    }

    @Test func anAppsWebhookIsRemovedOnlyWhenSentEmpty() throws {
        let untouched = try ChorusAppsController.UpdateRequest(params("description=d")).changes
        #expect(untouched.webhookURL == nil && untouched.description == "d" && untouched.events == nil)
        let removed = try ChorusAppsController.UpdateRequest(params("webhook_url=")).changes
        #expect(removed.webhookURL == .some(nil))
        let events = try ChorusAppsController.UpdateRequest(params("events=status.created,favourite.created")).changes
        #expect(events.events == ["status.created", "favourite.created"])
    }

    @Test func teamMembersJoinAsMembersUnlessARoleIsGiven() throws {
        #expect(try TeamsController.AddMemberRequest(params("account_id=3")).role == .member)
        #expect(try TeamsController.AddMemberRequest(params("account_id=3&role=admin")).role == .admin)
        #expect(throws: ChorusError.unprocessable("Validation failed: account_id is missing")) {
            try TeamsController.AddMemberRequest(self.params("role=admin"))
        }
    }

    @Test func anAdminActionsTypeIsCheckedWhenRead() throws {
        let unknown = try AdminController.ActionRequest(params("type=silence"))
        #expect(throws: ChorusError.unprocessable("Validation failed: type must be disable, suspend or none")) { try unknown.action.get() }
        #expect(try AdminController.ActionRequest(params("type=suspend")).action.get() == .deactivate)
        #expect(try AdminController.ActionRequest(params("type=none")).action.get() == .noChange)
    }

    @Test func aTokenGrantNamesTheClientOfBasicAuthenticationFirst() throws {
        let body = try OAuthController.TokenGrantRequest(params("grant_type=password&client_id=a&client_secret=b&scope=%20"))
        let fromBody = body.tokenRequest(basic: nil)
        #expect(fromBody.clientID == "a" && fromBody.clientSecret == "b" && fromBody.scope == nil && fromBody.grantType == "password")
        let fromHeader = body.tokenRequest(basic: ("c", "d"))
        #expect(fromHeader.clientID == "c" && fromHeader.clientSecret == "d")
    }

    @Test func postsAreAcceptedAsJSONFormsAndMultipart() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let original = try await fixture.post(alice, "原帖")
        let token = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            let quote = try await client.call(.post, "/api/v1/statuses", token: token,
                                              json: "{\"status\": \"看这个\", \"quote_id\": \"\(original.status.id)\"}")
            #expect(quote.status == 200)
            let quoted = (quote.object?["quote"] as? [String: Any])?["quoted_status"] as? [String: Any]
            #expect(quoted?["id"] as? String == String(original.status.id))
            let media = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "图", "media_ids[]": "1"])
            #expect(media.status == 422)
            let boundary = "chorus-test"
            let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n多部分\r\n--\(boundary)--\r\n"
            let posted = try await client.execute(uri: "/api/v1/statuses", method: .post,
                                                  headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                  body: ByteBuffer(string: multipart)) { response in response }
            #expect(posted.status == .ok)
            // Every character arrives, the last one too.
            #expect(String(buffer: posted.body).contains("<p>多部分</p>"))
        }
    }
}
