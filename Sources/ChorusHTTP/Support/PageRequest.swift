import ChorusCore

/// Mastodon's pagination parameters (`max_id`, `since_id`, `min_id`,
/// `limit`), for list routes that take nothing else. Routes differ in how
/// long a page may be, so the page is made by `page(maxLimit:)`.
struct PageRequest: RequestBody {
    let maxID: Int64?
    let sinceID: Int64?
    let minID: Int64?
    /// nil when absent or not a number: the default length applies.
    let limit: Int?

    init(_ params: Params) throws {
        maxID = try params.id("max_id")
        sinceID = try params.id("since_id")
        minID = try params.id("min_id")
        limit = try? params.int("limit")
    }

    /// The page asked for, at most `maxLimit` items long.
    func page(maxLimit: Int = Page.maxLimit) -> Page {
        Page(maxID: maxID, sinceID: sinceID, minID: minID, limit: limit ?? Page.defaultLimit, maxLimit: maxLimit)
    }
}
