import APDomain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-rendered pages: plain HTML, no scripts, escaped at every insertion.
enum HTML {
    /// Escapes for HTML text and attribute values; a control or text-direction character (refused by the
    /// service, but perhaps stored before it was) is written out as `<U+202E>` rather than acting on the page.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in TextRules.visible(s, keepingNewLines: true) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A whole page. `csrf` present: the header carries a sign-out form.
    static func page(_ title: String, csrf: String? = nil, who: String? = nil, _ body: String) -> String {
        var head = "<a href=\"/overview\">Approved Premises</a>"
        if let csrf, let who {
            head +=
                "<span>\(escape(who))</span><form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" "
                + "name=\"csrf\" value=\"\(escape(csrf))\">"
                + "<button type=\"submit\">Sign out</button></form>"
        }
        return """
            <!doctype html>
            <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport"
                content="width=device-width, initial-scale=1">
            <title>\(escape(title)) – Approved Premises</title><link rel="stylesheet" href="/static/ap.css"></head>
            <body><header>\(head)</header><main id="main"><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }

    static func table(_ caption: String, _ header: [String], _ rows: [[String]], raw: Bool = false) -> String {
        var s = "<div class=\"scroll\"><table><caption>\(escape(caption))</caption><thead><tr>"
        s += header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { s += "<tr>" + row.map { "<td>\(raw ? $0 : escape($0))</td>" }.joined() + "</tr>" }
        return s + "</tbody></table></div>"
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response
    {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        // No framing, no third parties, and no script but the service's own files (the live alerts' banner):
        // nothing inline, so markup that slipped into a page could not run.
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
