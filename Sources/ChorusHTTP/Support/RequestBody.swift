import Hummingbird

/// A request's parameters read into a type of its own, nested in the
/// controller or page that takes it (`StatusesController.CreateRequest`):
/// every field named once, converted and checked for shape in `init`, so a
/// handler reads `body.text` instead of picking strings out of `Params`.
/// Bodies come form-encoded, as JSON or multipart (`Params` reads them all,
/// the way Mastodon clients send them).
protocol RequestBody: Sendable {
    init(_ params: Params) throws
}

extension RequestBody {
    /// The query string and body of `request`, read into this type.
    static func decode(_ request: Request, context: some RequestContext) async throws -> Self {
        try Self(try await Params.from(request, context: context))
    }

    /// The query string of `request` (GET routes), read into this type.
    static func query(_ request: Request) throws -> Self {
        try Self(Params(query: request))
    }
}
