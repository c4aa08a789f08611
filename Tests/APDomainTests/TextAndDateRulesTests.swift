import APDomain
import Civil
import Foundation
import Testing

/// `TextRules` and `DateRules`, one case a row.
@Suite struct TextAndDateRulesTests {
    @Test(arguments: [
        ("Ann Doe", nil as TextFault?, nil as TextFault?),
        ("Ann\nDoe", .hiddenCharacter, nil),  // a new line: several-line fields only
        ("Ann\r\nDoe", .hiddenCharacter, .hiddenCharacter),
        ("Ann\tDoe", .hiddenCharacter, .hiddenCharacter),
        ("Ann\u{9B}2J", .hiddenCharacter, .hiddenCharacter),  // a C1 control
        ("Ann\u{7F}", .hiddenCharacter, .hiddenCharacter),
        ("\u{202E}eoD", .hiddenCharacter, .hiddenCharacter),  // right-to-left override
        ("x\u{2067}y", .hiddenCharacter, .hiddenCharacter),  // right-to-left isolate
        ("x\u{200F}", .hiddenCharacter, .hiddenCharacter),  // right-to-left mark
        ("a\u{2029}b", .hiddenCharacter, .hiddenCharacter),  // paragraph separator
        ("Ó'Brien 日本", nil, nil),
        (String(repeating: "é", count: 11), .tooLong(max: 10), .tooLong(max: 10)),  // counted in characters, not bytes
        (String(repeating: "é", count: 10), nil, nil),
    ])
    func hiddenCharactersAndLengths(text: String, oneLine: TextFault?, severalLines: TextFault?) {
        #expect(TextRules.fault(in: text, .singleLine(max: 10)) == oneLine)
        #expect(TextRules.fault(in: text, .multiLine(max: 10)) == severalLines)
    }

    @Test func whatSlippedThroughIsShownAsWhatItIs() {
        #expect(TextRules.visible("Ann\u{202E}eoD\r\nX") == "Ann<U+202E>eoD<U+000D><U+000A>X")
        #expect(TextRules.visible("a\nb", keepingNewLines: true) == "a\nb")
        #expect(TextRules.visible("plain") == "plain")
    }

    @Test(arguments: [
        ("dateOfBirth", "1899-12-31", false), ("dateOfBirth", "1900-01-01", true), ("dateOfBirth", "2026-11-30", true),
        ("dateOfBirth", "2026-12-01", false),  // tomorrow
        // three years and a day ahead
        ("expectedArrival", "2029-12-02", true), ("expectedArrival", "2029-12-03", false),
        ("expectedDeparture", "9999-01-01", false), ("startsOn", "2099-12-31", true), ("startsOn", "2100-01-01", false),
    ])
    func datesInASaneRange(field: String, date: String, accepted: Bool) {
        let today = LocalDate("2026-11-30")!
        #expect((DateRules.fault(in: LocalDate(date)!, field: field, today: today) == nil) == accepted)
    }
}
