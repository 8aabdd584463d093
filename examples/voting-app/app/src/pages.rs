//! The two HTML pages. Self-contained (inline CSS and JS, no external assets) so they work in
//! an offline cluster; option names come from the environment and are always escaped.

use crate::tally::Tally;
use crate::vote::Choice;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f8;color:#222;text-align:center}\
h1{margin:1.5em 0 .3em}\
.tip{color:#666;margin-bottom:1.5em}\
.buttons{display:flex;gap:1em;justify-content:center;flex-wrap:wrap}\
button{font-size:1.6em;padding:1em 2em;min-width:8em;border:0;border-radius:.4em;color:#fff;cursor:pointer}\
#a,.a{background:#2d7dd2}#b,.b{background:#f45d01}\
button.chosen{outline:4px solid #222}\
.voted{margin-top:1.5em;font-size:1.2em}\
footer{margin-top:3em;color:#888;font-size:.85em}\
.halves{display:flex;min-height:60vh}\
.half{flex:1;display:flex;flex-direction:column;justify-content:center;color:#fff}\
.half .name{font-size:2em}.half .pct{font-size:4em;font-weight:bold}\
";

/// The voting page. `voted` marks the option this browser just chose.
pub fn vote_page(option_a: &str, option_b: &str, hostname: &str, voted: Option<Choice>) -> String {
    let names = [option_a, option_b];
    let mut buttons = String::new();
    for (choice, name) in Choice::ALL.iter().zip(names) {
        let class = if voted == Some(*choice) {
            " class=\"chosen\""
        } else {
            ""
        };
        let mark = if voted == Some(*choice) { " ✔" } else { "" };
        buttons.push_str(&format!(
            "<button id=\"{id}\" name=\"vote\" value=\"{id}\" type=\"submit\"{class}>{name}{mark}</button>",
            id = choice.as_str(),
            name = escape_html(name),
        ));
    }
    let voted_line = match voted {
        Some(choice) => format!(
            "<p class=\"voted\" id=\"voted\" data-vote=\"{}\">You voted for <strong>{}</strong>.</p>",
            choice.as_str(),
            escape_html(names[if choice == Choice::A { 0 } else { 1 }])
        ),
        None => String::new(),
    };
    let a = escape_html(option_a);
    let b = escape_html(option_b);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{a} vs {b}!</title><style>{STYLE}</style></head><body>\
<h1>{a} vs {b}!</h1><p class=\"tip\">(Tip: you can change your vote)</p>\
<form method=\"post\" action=\"/\"><div class=\"buttons\">{buttons}</div></form>{voted_line}\
<footer>Processed by {host}</footer></body></html>\n",
        host = escape_html(hostname),
    )
}

/// The results page. It shows `initial` at once (useful without JS), then follows `/ws`,
/// reconnecting after a second whenever the socket closes.
pub fn result_page(option_a: &str, option_b: &str, initial: Tally) -> String {
    let a = escape_html(option_a);
    let b = escape_html(option_b);
    let (pa, pb) = initial.percentages();
    let total = initial.total();
    let votes = if total == 1 { "vote" } else { "votes" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{a} vs {b} -- Result</title><style>{STYLE}</style></head><body>\
<h1>{a} vs {b}</h1><div class=\"halves\">\
<div class=\"half a\"><div class=\"name\">{a}</div><div class=\"pct\" id=\"pct-a\">{pa}%</div>\
<div id=\"count-a\">{ca}</div></div>\
<div class=\"half b\"><div class=\"name\">{b}</div><div class=\"pct\" id=\"pct-b\">{pb}%</div>\
<div id=\"count-b\">{cb}</div></div></div>\
<p id=\"total\">{total} {votes}</p><footer id=\"status\">connecting…</footer>\
<script>{SCRIPT}</script></body></html>\n",
        ca = initial.a,
        cb = initial.b,
    )
}

const SCRIPT: &str = r#"
(function () {
  function show(t) {
    var a = Number(t.a) || 0, b = Number(t.b) || 0, total = a + b;
    var pa = total ? Math.round(a * 100 / total) : 50;
    document.getElementById("pct-a").textContent = pa + "%";
    document.getElementById("pct-b").textContent = (100 - pa) + "%";
    document.getElementById("count-a").textContent = a;
    document.getElementById("count-b").textContent = b;
    document.getElementById("total").textContent = total + (total === 1 ? " vote" : " votes");
  }
  function status(s) { document.getElementById("status").textContent = s; }
  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/ws");
    ws.onopen = function () { status("live"); };
    ws.onmessage = function (e) {
      try { show(JSON.parse(e.data)); } catch (err) { /* ignore a bad message */ }
    };
    ws.onclose = function () { status("reconnecting…"); setTimeout(connect, 1000); };
  }
  connect();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("Cats"), "Cats");
    }

    #[test]
    fn vote_page_has_both_buttons_and_escapes_names() {
        let page = vote_page("Cats", "<b>Dogs</b>", "host-1", None);
        assert!(page.contains("name=\"vote\" value=\"a\""));
        assert!(page.contains("name=\"vote\" value=\"b\""));
        assert!(page.contains(">Cats</button>"));
        assert!(page.contains("&lt;b&gt;Dogs&lt;/b&gt;"));
        assert!(!page.contains("<b>Dogs"));
        assert!(page.contains("Processed by host-1"));
        assert!(!page.contains("You voted"));
    }

    #[test]
    fn vote_page_shows_the_choice() {
        let page = vote_page("Cats", "Dogs", "h", Some(Choice::B));
        assert!(page.contains("You voted for <strong>Dogs</strong>"));
        assert!(page.contains("class=\"chosen\">Dogs ✔</button>"));
        assert!(page.contains(">Cats</button>"));
    }

    #[test]
    fn result_page_shows_initial_tally_and_follows_the_socket() {
        let page = result_page("Cats", "Dogs&Co", Tally { a: 1, b: 3 });
        assert!(page.contains("id=\"pct-a\">25%"));
        assert!(page.contains("id=\"pct-b\">75%"));
        assert!(page.contains("4 votes"));
        assert!(page.contains("Dogs&amp;Co"));
        assert!(page.contains("\"/ws\""));
        assert!(!page.contains("src=\"http"), "no external assets");
    }
}
