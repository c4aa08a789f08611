import APDomain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-rendered pages: HTML from the templates (Templates), sent with the headers every page has.
enum HTML {
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
