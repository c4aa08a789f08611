import APStore
import APWire
import Foundation
import Hummingbird
import Logging
import NIOCore
import PGDriver

/// A problem the service answers with: the wire's `APIProblem`, and what only the service needs to
/// know about it (a Retry-After, whether it was audited already).
public struct Problem: Error, HTTPResponseError, Sendable {
    public var wire: APIProblem
    /// Seconds, for 503 and 429.
    var retryAfter: Int?
    /// Already written to the audit trail as a refusal.
    var audited = false

    public init(
        _ status: HTTPResponse.Status, _ code: String, _ detail: String, field: String? = nil, retryAfter: Int? = nil
    ) {
        wire = APIProblem(status: status.code, title: status.reasonPhrase, code: code, detail: detail, field: field)
        self.retryAfter = retryAfter
    }

    public var status: HTTPResponse.Status { .init(code: wire.status) }
    public var statusCode: Int { wire.status }
    public var code: String { wire.code }
    public var detail: String { wire.detail }
    public var field: String? { wire.field }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = try APIJSON.encode(wire)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badRequest(_ code: String, _ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, code, detail, field: field)
    }
    static func invalid(_ code: String, _ detail: String, field: String? = nil) -> Problem {
        Problem(.unprocessableContent, code, detail, field: field)
    }
    static func notFound(_ what: String, field: String? = nil) -> Problem {
        Problem(
            .notFound, "\(what)-not-found",
            "no \(what.replacingOccurrences(of: "-", with: " ")) with that id: check the id", field: field)
    }
    static let unauthenticated = Problem(
        .unauthorized, "unauthenticated", "send an API token as Authorization: Bearer ap_…; ask an admin for one")
    static func forbiddenPremises(field: String? = nil) -> Problem {
        Problem(
            .forbidden, "other-premises", "that record belongs to a premises your account does not work at",
            field: field)
    }
    static func forbiddenRole(_ roles: [String]) -> Problem {
        Problem(
            .forbidden, "role-not-allowed",
            "your account's role may not do this: it needs \(roles.joined(separator: " or "))")
    }
}

/// Turns every error into a problem response, so that no client sees a stack, an unlabeled 500, or a
/// value it did not send; and logs server faults by request id, without personal data.
/// An error that is the pages' own answer (an HTML page saying what was wrong, a redirect): passed on as it is,
/// where every other error becomes a problem+json.
protocol PageAnswer: HTTPResponseError {}

struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let page as any PageAnswer {
            response = try page.response(from: request, context: context)
        } catch {
            var problem = Self.problem(for: error, logger: context.logger)
            problem.wire.requestId = context.id
            if Self.isPage(request.uri.path) {
                // A page is answered with a page: another premises' record is not found, as one that does not
                // exist; a role that may not is told so; nothing of the problem's wire form reaches the browser.
                response = try Self.page(for: problem).response(from: request, context: context)
            } else {
                response = try problem.response(from: request, context: context)
            }
        }
        response.headers[.init("X-Request-Id")!] = context.id
        // What the API and the pages answer is personal data (or says whether some exists): no cache, in the
        // browser or between, may keep it.
        let type = response.headers[.contentType] ?? ""
        if request.uri.path.hasPrefix("/api/") || type.hasPrefix("text/html") || type.hasPrefix("text/csv") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    /// The pages' paths: everything but the API, the probes, the document and the static files.
    static func isPage(_ path: String) -> Bool {
        !["/api/", "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/static/"].contains { path.hasPrefix($0) }
    }

    static func page(for problem: Problem) -> WebPage {
        switch problem.statusCode {
        case 404,
            403 where problem.code == "other-premises":
            API.notHere
        case 403 where problem.code == "role-not-allowed": API.notAllowed
        case 400..<500: WebPage(status: problem.status, title: "Not done", text: API.sentence(problem.detail))
        default: WebPage(status: problem.status, title: "Something went wrong", text: API.sentence(problem.detail))
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let page as WebPage:
            return Problem(page.status, "page", page.text)
        case let store as StoreError:
            switch store.kind {
            case .notFound: return Problem(.notFound, store.code, store.message, field: store.field)
            case .conflict: return Problem(.conflict, store.code, store.message, field: store.field)
            case .invalid: return Problem(.unprocessableContent, store.code, store.message, field: store.field)
            }
        case let pg as PGError where pg.isUnavailable:
            logger.warning("database unavailable", metadata: ["error": "\(pg.kind)"])
            return Problem(
                .serviceUnavailable, "database-unavailable",
                "the database cannot be reached just now: try again shortly", retryAfter: 5)
        case let pg as PGError where [.uniqueViolation, .exclusionViolation].contains(pg.kind):
            // A rule the store has no sentence for yet: still the client's conflict, never a 500.
            logger.notice("unmapped constraint", metadata: ["constraint": "\(pg.constraint ?? "?")"])
            return Problem(.conflict, "conflict", "that clashes with a record that exists: check the values")
        case let pg as PGError where [.checkViolation, .notNullViolation, .foreignKeyViolation].contains(pg.kind):
            logger.notice("unmapped constraint", metadata: ["constraint": "\(pg.constraint ?? "?")"])
            return Problem(
                .unprocessableContent, "invalid-value",
                "a value is not allowed, or refers to something that does not exist: check the input")
        case let pg as PGError where pg.sqlState == "42501":
            // Row-level security refused a row: the service's own checks should have caught it first (a
            // body's id of another premises), but the answer is the client's 403, never a 500.
            logger.notice("row-level security refused a write", metadata: ["table": "\(pg.table ?? "?")"])
            return Problem.forbiddenPremises()
        case let pg as PGError where pg.kind == .raised:
            // A rule of the schema the store has no sentence for yet.
            logger.notice("unmapped rule", metadata: ["constraint": "\(pg.constraint ?? "?")"])
            return Problem(.unprocessableContent, "invalid-value", "the records' rules refuse that: check the input")
        case let pg as PGError where pg.sqlState?.hasPrefix("22") == true:
            // A data exception: a value the database cannot hold as given. The client's to fix.
            return Problem(
                .unprocessableContent, "invalid-value",
                "a value could not be stored as given (too large, or not valid text): check the input")
        case let pg as PGError where pg.kind == .queryCanceled:
            return Problem(.serviceUnavailable, "busy", "the database took too long: try again shortly", retryAfter: 2)
        case let http as HTTPError:
            switch http.status {
            case .notFound:
                return Problem(.notFound, "no-such-route", "no such route: see /openapi.yaml for the routes")
            case .methodNotAllowed:
                return Problem(
                    .methodNotAllowed, "method-not-allowed",
                    "that method is not allowed on this route: see /openapi.yaml")
            case .contentTooLarge:
                return Problem(.contentTooLarge, "body-too-large", "the body is too large: send at most 1 MiB")
            default:
                if http.status.code < 500 {
                    return Problem(
                        http.status, "bad-request", "the request could not be read: check it against /openapi.yaml")
                }
                logger.error("server error", metadata: ["status": "\(http.status.code)"])
                return Problem(
                    .internalServerError, "internal",
                    "something failed on our side: it has been logged under this request id")
            }
        default:
            // A PGError's description never carries values; other errors are named by type only.
            let text = (error as? PGError).map { "\($0)" } ?? String(describing: type(of: error))
            logger.error("server error", metadata: ["error": "\(text)"])
            return Problem(
                .internalServerError, "internal",
                "something failed on our side: it has been logged under this request id")
        }
    }
}
