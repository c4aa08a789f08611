import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// The evidence pack for a recall request: JSON, or the page to print (format=html), through the API; and the
/// same page on the dashboard. Every read is recorded in the audit trail (EvidenceStore.pack).
extension API {
    func evidenceRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("residents/{residentId}/evidence") { req, ctx in
            let id = try ctx.id("residentId")
            // The parameters are judged after the role and the scope: another premises' resident is 403
            // whatever the query says.
            let nights = Result { try Self.packNights(req) }
            let html = Result { try Self.packFormat(req) }
            let now = clock()
            let (pack, asHTML) = try await run(ctx, .shift, scope: (.resident, id)) { c, p in
                let (nights, asHTML) = (try nights.get(), try html.get())  // before anything is read
                return (try EvidenceStore.pack(c, actor: p.actor, residentId: id, nights: nights, now: now), asHTML)
            }
            guard let pack else { throw Problem.notFound("resident", field: "residentId") }
            if asHTML { return HTML.response(Templates.render("evidence-pack", EvidencePage(pack))) }
            return try JSONResponse(pack).response(from: req, context: ctx)
        }
    }

    /// The dashboard's copy: the same page, for a signed-in manager, scoped like the API.
    func evidencePageRoute(_ r: Router<APRequestContext>) {
        r.get("residents/{residentId}/evidence") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            guard let id = ctx.parameters.get("residentId").flatMap(UUID.init(uuidString:)) else {
                throw WebPage(status: .notFound, title: "Not found", text: "There is no such resident.")
            }
            let nights: Nights
            do { nights = try Self.packNights(req) } catch let problem as Problem {
                throw WebPage(status: .badRequest, title: "Which nights?", text: problem.wire.detail)
            }
            let now = clock()
            let principal = s.principal
            let pack = try await pool.withConnection { c in
                do { try Self.check(c, principal, .resident, id) } catch is Problem { return EvidencePack?.none }
                return try EvidenceStore.pack(c, actor: principal.actor, residentId: id, nights: nights, now: now)
            }
            guard let pack else {
                throw WebPage(
                    status: .notFound, title: "Not found", text: "There is no such resident that you may see.")
            }
            return HTML.response(Templates.render("evidence-pack", EvidencePage(pack)))
        }
    }

    /// from and to as everywhere in the API: the first night, and the morning after the last.
    static func packNights(_ req: Request) throws -> Nights {
        let from = try req.date("from")
        let to = try req.date("to")
        guard let nights = Nights(from: from, to: to) else {
            throw Problem.invalid(
                "empty-range", "to must be after from (to is the morning after the last night)", field: "to")
        }
        guard nights.count <= EvidenceStore.maxNights else {
            throw Problem.invalid(
                "range-too-long", "a pack covers at most \(EvidenceStore.maxNights) nights: ask for fewer", field: "to")
        }
        return nights
    }

    static func packFormat(_ req: Request) throws -> Bool {
        switch req.query("format") ?? "json" {
        case "json": return false
        case "html": return true
        default: throw Problem.badRequest("bad-format", "format is json or html", field: "format")
        }
    }
}
