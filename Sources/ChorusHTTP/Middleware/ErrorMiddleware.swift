import ChorusCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into a JSON `{"error": …}` answer with the right status.
/// Chorus errors carry a safe message; anything unexpected is logged and
/// answered with a generic 500, never with its details. A browser asking for
/// a web page (not the API) gets the same as a friendly page in its language.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var pages: WebPages?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await jsonErrors(request, context: context, next: next)
        guard response.status.code >= 400, let pages, JSONErrorMiddleware.wantsPage(request),
              response.headers[.contentType]?.hasPrefix("application/json") == true else { return response }
        return JSONErrorMiddleware.page(pages, request: request, status: response.status)
    }

    /// A browser's request for anything but the API and the OAuth endpoints clients call.
    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        for prefix in ["/api/", "/oauth/token", "/oauth/revoke", "/health", "/hooks/", "/brand/", "/.well-known/"] where path.hasPrefix(prefix) { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }

    static func page(_ pages: WebPages, request: Request, status: HTTPResponse.Status) -> Response {
        let (heading, message) = switch status.code {
        case 404, 405: ("not_found_title", "not_found_message")
        case 401, 403: ("forbidden_title", "forbidden_message")
        default: ("error_title", "error_message")
        }
        return pages.message(pages.anonymousFrame(request, title: heading, path: "/"), heading: heading, message: message, status: status)
    }

    private func jsonErrors(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ChorusError {
            var headers: HTTPFields = error.kind == .unauthorized ? [.wwwAuthenticate: "Bearer"] : [:]
            if let seconds = error.retryAfter {
                headers[.retryAfter] = String(max(1, seconds))
            } else if error.kind == .tooManyRequests {
                headers[.retryAfter] = "60"  // a limit that names no time counts over a window of a minute
            }
            return JSONErrorMiddleware.response(status: error.kind.status, message: error.message, headers: headers)
        } catch let error as HTTPError {
            return JSONErrorMiddleware.response(status: Int(error.status.code), message: error.body ?? JSONErrorMiddleware.reason(error.status), headers: error.headers)
        } catch let error as any HTTPResponseError {
            return JSONErrorMiddleware.response(status: Int(error.status.code), message: JSONErrorMiddleware.reason(error.status))
        } catch let error as DecodingError {
            context.logger.debug("bad request body", metadata: ["error": "\(error)"])
            return JSONErrorMiddleware.response(status: 400, message: "The request body could not be read")
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(Self.loggablePath(request.uri.path))"])
            return JSONErrorMiddleware.response(status: 500, message: "Something went wrong on our side")
        }
    }

    static func reason(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "Record not found"
        case 405: "Method not allowed"
        case 413: "The request body is too large (the limit is 1 MiB)"
        default: status.reasonPhrase
        }
    }

    static func response(status: Int, message: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Headers every answer carries.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self' *"
        }
        return response
    }
}

extension JSONErrorMiddleware {
    /// The path for logs: an incoming hook's secret is its credential, so
    /// it is cut out.
    static func loggablePath(_ path: String) -> String {
        path.hasPrefix("/hooks/") ? "/hooks/[secret]" : path
    }
}
