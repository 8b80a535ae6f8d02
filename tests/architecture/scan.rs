//! The mechanics: a text scanner for Rust source, enough to find paths and
//! modules (no parser crate, so it reads comments, literals and use groups by
//! hand), and a finder of circles in a graph.

use std::collections::BTreeMap;

/// A path in the code: `crate::a::{b, c::D}` gives two, each with its line.
pub struct PathUse {
    pub segs: Vec<String>,
    pub line: usize,
    /// The line of the path's first segment (`use rcgen::{` for every leaf of its group).
    pub root: usize,
    pub in_use: bool,
    pub alias: Option<String>,
}

pub fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Comments and the contents of string and char literals become spaces, so
/// `"rsa"`, `// clap` and `/* ring:: */` name nothing.
pub fn strip(src: &str) -> Vec<char> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::with_capacity(c.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.extend([' ', ' ']);
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.extend([' ', ' ']);
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
        } else if c[i] == 'r' && raw_start(&c, i) && matches!(at(i + 1), '"' | '#') {
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if at(i + 1 + hashes) != '"' {
                out.push(c[i]); // a raw identifier, r#type
                i += 1;
                continue;
            }
            out.push('"');
            out.extend(std::iter::repeat_n(' ', hashes + 1));
            i += hashes + 2;
            let close = |k: usize| c[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#');
            while i < c.len() && !close(i) {
                out.push(blank(c[i]));
                i += 1;
            }
            out.push('"');
            out.extend(std::iter::repeat_n(' ', hashes));
            i += hashes + 1;
        } else if c[i] == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                let skip = if c[i] == '\\' { 2 } else { 1 };
                out.extend(c[i..(i + skip).min(c.len())].iter().map(|&ch| blank(ch)));
                i += skip;
            }
            out.push('"');
            i += 1;
        } else if c[i] == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // a char literal; anything else after ' is a lifetime
            let mut end = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            while end < c.len() && c[end] != '\'' {
                end += 1;
            }
            out.push('\'');
            out.extend(std::iter::repeat_n(' ', end - i - 1));
            out.push('\'');
            i = end + 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Whether the `r` at `i` can open a raw string: it starts a token (`r"`) or follows a lone `b` (`br"`).
fn raw_start(c: &[char], i: usize) -> bool {
    let starts = |k: usize| k == 0 || !is_ident(c[k - 1]);
    starts(i) || i > 0 && c[i - 1] == 'b' && starts(i - 1)
}

pub fn ident_at(c: &[char], i: usize) -> (String, usize) {
    let mut j = i;
    while j < c.len() && is_ident(c[j]) {
        j += 1;
    }
    (c[i..j].iter().collect(), j)
}

pub fn skip_ws(c: &[char], mut i: usize) -> usize {
    while i < c.len() && c[i].is_whitespace() {
        i += 1;
    }
    i
}

pub fn line_of(c: &[char], pos: usize) -> usize {
    1 + c[..pos].iter().filter(|&&ch| ch == '\n').count()
}

/// Parses a use tree (or an inline path) at `i`, pushing each leaf; returns its end.
pub fn parse_tree(
    c: &[char],
    mut i: usize,
    mut segs: Vec<String>,
    in_use: bool,
    out: &mut Vec<PathUse>,
) -> usize {
    let start = i;
    loop {
        i = skip_ws(c, i);
        if c.get(i) == Some(&'{') {
            i += 1;
            loop {
                i = skip_ws(c, i);
                match c.get(i) {
                    None => return i,
                    Some('}') => return i + 1,
                    Some(',') => i += 1,
                    _ => {
                        let next = parse_tree(c, i, segs.clone(), in_use, out);
                        i = if next == i { i + 1 } else { next };
                    }
                }
            }
        }
        if c.get(i) == Some(&'*') {
            segs.push("*".into());
            i += 1;
            break;
        }
        let (id, j) = ident_at(c, i);
        if id.is_empty() {
            break;
        }
        segs.push(id);
        i = j;
        if c.get(i) == Some(&':') && c.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            break;
        }
    }
    let k = skip_ws(c, i);
    let mut alias = None;
    if in_use && ident_at(c, k).0 == "as" {
        let (a, j) = ident_at(c, skip_ws(c, k + 2));
        alias = Some(a);
        i = j;
    }
    if !segs.is_empty() {
        out.push(PathUse {
            segs,
            line: line_of(c, start),
            root: 0,
            in_use,
            alias,
        });
    }
    i
}

/// Every path rooted at an identifier followed by `::` (not itself after `::`).
pub fn paths(c: &[char]) -> Vec<PathUse> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let boundary = i == 0
            || !(is_ident(c[i - 1]) || c[i - 1] == '$' || (i >= 2 && c[i - 2..i] == [':', ':']));
        if !(boundary && is_ident(c[i])) {
            i += 1;
            continue;
        }
        let j = ident_at(c, i).1;
        if c.get(j) == Some(&':') && c.get(j + 1) == Some(&':') {
            let (in_use, from) = (prev_word(c, i) == "use", out.len());
            i = parse_tree(c, i, Vec::new(), in_use, &mut out);
            let root = line_of(c, j);
            out[from..].iter_mut().for_each(|p| p.root = root);
        } else {
            i = j;
        }
    }
    out
}

/// The word just before `i`, skipping whitespace.
pub fn prev_word(c: &[char], i: usize) -> String {
    let end = c[..i]
        .iter()
        .rposition(|ch| !ch.is_whitespace())
        .map_or(0, |k| k + 1);
    let start = c[..end]
        .iter()
        .rposition(|&ch| !is_ident(ch))
        .map_or(0, |k| k + 1);
    c[start..end].iter().collect()
}

/// The inline `mod name { … }` path at the end of each line (index = line number).
pub fn inline_mods(c: &[char]) -> Vec<Vec<String>> {
    let names = |s: &[(String, usize)]| s.iter().map(|m| m.0.clone()).collect::<Vec<_>>();
    let (mut per_line, mut stack, mut depth, mut i) = (vec![Vec::new()], Vec::new(), 0, 0);
    while i < c.len() {
        match c[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if stack.last().is_some_and(|m: &(String, usize)| m.1 == depth) {
                    stack.pop();
                }
            }
            '\n' => per_line.push(names(&stack)),
            ch if is_ident(ch) && (i == 0 || !is_ident(c[i - 1])) => {
                let (word, j) = ident_at(c, i);
                let (name, k) = ident_at(c, skip_ws(c, j));
                if word == "mod" && !name.is_empty() && c.get(skip_ws(c, k)) == Some(&'{') {
                    stack.push((name, depth));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    per_line.push(names(&stack));
    per_line
}

/// Approximate function lengths: a line with `fn name` to the next line that
/// starts with `}` at the same indentation (a one-line body counts 1).
pub fn functions(rel: &str, clean: &[char]) -> Vec<(usize, String)> {
    let clean: String = clean.iter().collect();
    let clean: Vec<&str> = clean.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    for (k, l) in clean.iter().enumerate() {
        let c: Vec<char> = l.chars().collect();
        let Some(at) =
            (0..c.len()).find(|&i| ident_at(&c, i).0 == "fn" && (i == 0 || !is_ident(c[i - 1])))
        else {
            continue;
        };
        let name = ident_at(&c, skip_ws(&c, at + 2)).0;
        if name.is_empty() || l.trim_end().ends_with(';') {
            continue;
        }
        let end = if l.contains('{') && l.trim_end().ends_with('}') {
            Some(k)
        } else {
            (k + 1..clean.len())
                .find(|&m| clean[m].trim_start().starts_with('}') && indent(clean[m]) == indent(l))
        };
        if let Some(end) = end {
            out.push((end - k + 1, format!("src/{rel}:{} {name}", k + 1)));
        }
    }
    out
}

/// Strongly connected components of more than one file (Tarjan).
pub fn circles(n: usize, edges: &BTreeMap<(usize, usize), usize>) -> Vec<Vec<usize>> {
    struct T<'a> {
        next: Vec<Vec<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on: Vec<bool>,
        count: usize,
        out: &'a mut Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.count);
        t.low[v] = t.count;
        t.count += 1;
        t.stack.push(v);
        t.on[v] = true;
        for w in t.next[v].clone() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut out = Vec::new();
    let mut next = vec![Vec::new(); n];
    for &(a, b) in edges.keys() {
        next[a].push(b);
    }
    let mut t = T {
        next,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on: vec![false; n],
        count: 0,
        out: &mut out,
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    out
}
