import APStore
import APWire
import Foundation
import Hummingbird

/// What every page of the shift's begins with: the signed-in session and the premises the path names (404 when
/// the account does not work there), and a posted form's fields once its CSRF token is the session's own.
extension API {
    /// The session and the premises of a page at /premises/{code}/...; nil when nobody is signed in.
    func shiftPage(_ req: Request, _ ctx: APRequestContext) async throws -> (WebSessionStore.Session, Premises)? {
        guard let s = try await webSession(req) else { return nil }
        return (s, try await shiftPremises(s, ctx.parameters.get("code") ?? ""))
    }

    /// The premises' own time zone, in which its pages read and write times.
    func zone(_ premises: Premises) -> TimeZone { TimeZone(identifier: premises.timeZone) ?? API.london }

    /// The premises a code names, if the signed-in account works there (any role): 404 otherwise.
    func shiftPremises(_ s: WebSessionStore.Session, _ code: String) async throws -> Premises {
        let found = try await pool.withConnection { c in try PremisesStore.get(c, code: code) }
        guard let found, s.principal.maySee(premises: found.id) else {
            throw WebPage(status: .notFound, title: "Not found", text: "There is no premises \(code) that you may see.")
        }
        return found
    }

    /// A posted form's names and values, in order (a group of checkboxes sends a name several times), refused with
    /// nothing done unless it carries the session's CSRF token.
    static func postedForm(_ req: Request, _ s: WebSessionStore.Session) async throws -> [(String, String)] {
        let pairs = try await formPairs(req)
        guard pairs.last(where: { $0.0 == "csrf" })?.1 == s.csrf else {
            throw WebPage(
                status: .forbidden, title: "Nothing done",
                text: "That form did not come from one of this site's pages, so nothing was recorded or changed.")
        }
        return pairs
    }
}

extension Array where Element == (String, String) {
    /// The form's fields by name (the last value of a name sent several times).
    var fields: [String: String] { Dictionary(self, uniquingKeysWith: { $1 }) }
}
