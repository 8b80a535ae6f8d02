//! The layering of `src/`, read as text (no parser crate): every `.rs` file
//! belongs to one layer of the table below, and names only its own layer or
//! lower ones. A failure lists every offence as `file:line: text — what is wrong`
//! under the rule it breaks, with how to mend it. Rules 1, 2 and 4 skip a file's
//! test module (from `#[cfg(test)]` to the end, the crate's convention): a test
//! may build fixtures with any layer, but names no crypto crate outside src/crypto/.
//!
//! Report (lines per layer, upward edges, circles, largest files and functions):
//! `JOSE_ARCH_REPORT=1 cargo test --test integration architecture -- --nocapture`.
//! `JOSE_ARCH_OLD=1` checks against the layout before the move (the floors an
//! earlier review used), `JOSE_ARCH_SRC=<dir>` checks another source tree.
//! The scanner is in architecture/scan.rs, its tests on small trees in
//! architecture/synthetic.rs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

mod report;
mod scan;
mod synthetic;

use report::report;
use scan::*;

#[derive(Clone, Copy, PartialEq)]
enum Part {
    /// A library layer: names only its own layer and lower floors.
    Lib,
    /// `src/lib.rs`: the front door may name every library layer.
    Front,
    /// The binary: uses the library as `jose::…` and is named by no library file.
    App,
}
use Part::*;

struct Layer {
    name: &'static str,
    floor: u8,
    part: Part,
    /// Paths under `src/`: `dir/` holds everything below it, `file.rs` one file.
    homes: &'static [&'static str],
}

const fn layer(name: &'static str, floor: u8, part: Part, homes: &'static [&'static str]) -> Layer {
    Layer {
        name,
        floor,
        part,
        homes,
    }
}

/// Bottom to top; `ops` and `remote` share a floor and never name each other.
const LAYERS: &[Layer] = &[
    layer("model", 0, Lib, &["model/", "fs.rs"]),
    layer("crypto", 1, Lib, &["crypto/"]),
    layer("codec", 2, Lib, &["codec/"]),
    layer("ops", 3, Lib, &["ops/"]),
    layer("remote", 3, Lib, &["remote/"]),
    layer("lib", 4, Front, &["lib.rs"]),
    layer("app", 4, App, &["main.rs", "app/"]),
];
const STACK: &str = "model, crypto, codec, ops|remote, app";

/// The layout before the move, as an earlier review stacked it (JOSE_ARCH_OLD=1).
const OLD_LAYERS: &[Layer] = &[
    layer("error", 0, Lib, &["error.rs"]),
    layer("io", 1, Lib, &["io/"]),
    layer("keys", 2, Lib, &["keys/"]),
    layer("crypto", 3, Lib, &["crypto/"]),
    layer("jose", 4, Lib, &["jose/"]),
    layer("cli", 5, Lib, &["cli/"]),
    layer("top", 6, Lib, &["cmd/", "x509.rs", "lib.rs"]),
    layer("app", 6, App, &["main.rs"]),
];
const OLD_STACK: &str = "error, io, keys, crypto, jose, cli, cmd|x509|lib|main";

/// The one layer that names these crates as path roots (`ring::`, `use rsa::`).
const CRYPTO_LAYER: &str = "crypto";
const CRYPTO_CRATES: &str = "ring rsa aws_lc_rs p256 p384 p521 k256 x25519_dalek aes aes_kw \
    aes_gcm cbc sha1 sha2 subtle rand_core rcgen ecdsa elliptic_curve ml_dsa";
/// What belongs to the application: identifiers, macros (`println!`) and path
/// tails (matched anywhere in a path, so `io::stdout()` after `use std::io` counts).
const APP_IDENTS: &str = "clap clap_complete clap_mangen ExitCode IsTerminal";
const APP_MACROS: &str = "print println eprint eprintln";
const APP_PATHS: &[&[&str]] = &[
    &["process", "exit"],
    &["io", "stdin"],
    &["io", "stdout"],
    &["io", "stderr"],
];

struct Table {
    layers: &'static [Layer],
    stack: &'static str,
}

/// One `.rs` file: its path under `src/`, module path, layer, original lines,
/// and its text with comments and literal contents blanked (newlines kept).
struct File {
    rel: String,
    module: Vec<String>,
    layer: usize,
    lines: Vec<String>,
    clean: Vec<char>,
}

// The rules: above each, why it exists; in its title, how to mend an offence.

/// Data flows one way, so a layer can be read, tested and reused without those above it.
const R1: &str = "1. upward imports: a layer names only its own layer and lower floors; \
    move the shared item down, or the caller up";
/// The library knows nothing of clap, standard streams or exit codes: another
/// program can embed it, and only the binary decides what the user sees.
const R2: &str = "2. application names in the library: pass values in and return errors; \
    the command line, standard streams, printing and exit codes belong to src/app/";
/// One module names the crypto crates: a crypto review or a backend swap reads one directory.
const R3: &str = "3. crypto crates named outside src/crypto/: wrap the primitive in a \
    src/crypto/ function that takes model types or bytes";
/// No two files need each other, even within a layer: each reads after those it names.
const R4: &str = "4. circles between files: cut one import of each circle \
    (move what both need into a file of a lower floor)";
/// The table covers the tree: a renamed directory cannot leave this test passing
/// on nothing, and a new directory gets its floor on purpose.
const R5: &str = "5. the layer table: every layer directory exists and holds .rs files, \
    and every .rs file has exactly one layer (add a new directory to LAYERS)";

#[derive(Default)]
struct Findings {
    offences: BTreeMap<&'static str, Vec<String>>,
    /// File-level import edges (from, to) with the first line that makes each.
    edges: BTreeMap<(usize, usize), usize>,
    circles: Vec<Vec<usize>>,
}

impl Findings {
    fn add(&mut self, rule: &'static str, file: &File, line: usize, what: String) {
        let text = file
            .lines
            .get(line.wrapping_sub(1))
            .map_or("", |l| l.trim());
        let entry = format!("src/{}:{line}: {text} — {what}", file.rel);
        let list = self.offences.entry(rule).or_default();
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn read_tree(src: &Path, table: &Table, f: &mut Findings) -> Vec<File> {
    let mut unplaced = Vec::new();
    for (layer, home) in table
        .layers
        .iter()
        .filter(|l| l.part != App)
        .flat_map(|l| l.homes.iter().map(move |h| (l, h)))
    {
        let mut found = Vec::new();
        rs_files(&src.join(home.trim_end_matches('/')), &mut found);
        let present = if home.ends_with('/') {
            !found.is_empty()
        } else {
            src.join(home).is_file()
        };
        if !present {
            unplaced.push(format!(
                "src/{home}: missing or holds no .rs file — layer {} of the table",
                layer.name
            ));
        }
    }
    let mut paths = Vec::new();
    rs_files(src, &mut paths);
    let mut files = Vec::new();
    for p in paths {
        let rel = p
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let owners: Vec<usize> = (0..table.layers.len())
            .filter(|&k| {
                table.layers[k].homes.iter().any(|h| {
                    if h.ends_with('/') {
                        rel.starts_with(h)
                    } else {
                        rel == *h
                    }
                })
            })
            .collect();
        if owners.len() != 1 {
            unplaced.push(format!(
                "src/{rel}:1: belongs to {} layers — place it in exactly one",
                owners.len()
            ));
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read source file");
        let mut module: Vec<String> = rel
            .trim_end_matches(".rs")
            .split('/')
            .map(String::from)
            .collect();
        if module
            .last()
            .is_some_and(|m| m == "mod" || (module.len() == 1 && m == "lib"))
        {
            module.pop();
        }
        let lines = text.lines().map(String::from).collect();
        files.push(File {
            rel,
            module,
            layer: owners[0],
            lines,
            clean: strip(&text),
        });
    }
    if !unplaced.is_empty() {
        f.offences.insert(R5, unplaced);
    }
    files
}

/// `segs` as a path from the crate root, seen from module `here`; None when
/// it starts outside the crate (std, a dependency, a local name).
fn absolute(
    segs: &[String],
    here: &[String],
    modules: &HashMap<Vec<String>, usize>,
) -> Option<Vec<String>> {
    let mut base = here.to_vec();
    let rest = match segs[0].as_str() {
        "crate" => {
            base.clear();
            &segs[1..]
        }
        "self" => &segs[1..],
        "super" => {
            let n = segs.iter().take_while(|s| *s == "super").count();
            for _ in 0..n {
                base.pop()?;
            }
            &segs[n..]
        }
        root => {
            let child = [here, &[root.to_owned()]].concat();
            modules.contains_key(&child).then_some(())?;
            segs
        }
    };
    base.extend(rest.iter().filter(|s| *s != "self" && *s != "*").cloned());
    Some(base)
}

/// The library's files by module path, and what the crate root re-exports.
struct Tree<'t> {
    table: &'t Table,
    files: Vec<File>,
    modules: HashMap<Vec<String>, usize>,
    /// `pub use model::error::Error;` in lib.rs: `crate::Error` leads to model/error.rs.
    reexports: HashMap<String, Vec<String>>,
    /// Top directories of the binary (`app`): `crate::app` is rule 2's business.
    app_dirs: Vec<&'static str>,
}

impl<'t> Tree<'t> {
    fn new(files: Vec<File>, table: &'t Table) -> Self {
        let layers = table.layers;
        let modules = (0..files.len())
            .filter(|&k| layers[files[k].layer].part != App)
            .map(|k| (files[k].module.clone(), k))
            .collect();
        let app_dirs = layers
            .iter()
            .filter(|l| l.part == App)
            .flat_map(|l| l.homes);
        let app_dirs = app_dirs.filter_map(|h| h.strip_suffix('/')).collect();
        let mut tree = Tree {
            table,
            files,
            modules,
            reexports: HashMap::new(),
            app_dirs,
        };
        if let Some(&root) = tree.modules.get(&Vec::new()) {
            for p in paths(&tree.files[root].clean)
                .into_iter()
                .filter(|p| p.in_use)
            {
                if let Some(abs) = absolute(&p.segs, &[], &tree.modules) {
                    tree.reexports.insert(bound_name(&p).clone(), abs);
                }
            }
        }
        tree
    }

    fn layer(&self, k: usize) -> &'static Layer {
        &self.table.layers[self.files[k].layer]
    }

    /// The library file a path leads to: the longest prefix that is a module.
    fn resolve(&self, segs: &[String], here: &[String]) -> Option<usize> {
        let mut abs = absolute(segs, here, &self.modules)?;
        if abs
            .first()
            .is_some_and(|s| self.app_dirs.contains(&s.as_str()))
        {
            return None;
        }
        let first = abs
            .first()
            .filter(|s| !self.modules.contains_key(&vec![(*s).clone()]));
        if let Some(to) = first.and_then(|s| self.reexports.get(s)) {
            abs = [&to[..], &abs[1..]].concat();
        }
        (0..=abs.len())
            .rev()
            .find_map(|n| self.modules.get(&abs[..n]).copied())
    }
}

/// The name a `use` leaf binds: its alias, else its last segment (`a::{self}` binds `a`).
fn bound_name(p: &PathUse) -> &String {
    let last = p.segs.iter().rev().find(|s| *s != "self");
    p.alias.as_ref().or(last).unwrap_or(&p.segs[0])
}

fn analyse(src: &Path, table: &Table) -> (Vec<File>, Findings) {
    let mut f = Findings::default();
    let tree = Tree::new(read_tree(src, table, &mut f), table);
    for a in 0..tree.files.len() {
        let all = paths(&tree.files[a].clean);
        crypto_names(&tree, a, &all, &mut f);
        if tree.layer(a).part == App {
            continue;
        }
        // Rules 1, 2 and 4 judge what the library is built from, so they skip the
        // test module, which by the crate's convention runs to the end of the file.
        let lines = &tree.files[a].lines;
        let cut = lines
            .iter()
            .position(|l| l.trim() == "#[cfg(test)]")
            .map_or(usize::MAX, |k| k + 1);
        let all: Vec<PathUse> = all.into_iter().filter(|p| p.line < cut).collect();
        app_names(&tree, a, &all, cut, &mut f);
        imports(&tree, a, &all, &mut f);
    }
    f.circles = circles(tree.files.len(), &f.edges);
    for circle in f.circles.clone() {
        let names: Vec<String> = circle
            .iter()
            .map(|&k| format!("src/{}", tree.files[k].rel))
            .collect();
        let inside =
            |((a, b), _): &(&(usize, usize), &usize)| circle.contains(a) && circle.contains(b);
        let inside: Vec<_> = f
            .edges
            .iter()
            .filter(inside)
            .map(|(&e, &l)| (e, l))
            .collect();
        for ((a, b), line) in inside {
            let what = format!(
                "→ src/{}, in the circle {}",
                tree.files[b].rel,
                names.join(" ")
            );
            f.add(R4, &tree.files[a], line, what);
        }
    }
    (tree.files, f)
}

/// Rule 3: a crypto crate as a path root, unless the file bound that name itself.
fn crypto_names(tree: &Tree, a: usize, all: &[PathUse], f: &mut Findings) {
    let file = &tree.files[a];
    if tree.layer(a).name == CRYPTO_LAYER {
        return;
    }
    let internal =
        |p: &&PathUse| p.in_use && absolute(&p.segs, &file.module, &tree.modules).is_some();
    let bound: BTreeSet<&String> = all.iter().filter(internal).map(bound_name).collect();
    for p in all {
        let root = &p.segs[0];
        let child = tree
            .modules
            .contains_key(&[&file.module[..], std::slice::from_ref(root)].concat());
        if CRYPTO_CRATES.split_whitespace().any(|k| k == root) && !bound.contains(root) && !child {
            f.add(
                R3,
                file,
                p.root,
                format!("names the crate {root} outside src/{CRYPTO_LAYER}/"),
            );
        }
    }
}

/// Rule 2: identifiers, print macros and paths of the application.
fn app_names(tree: &Tree, a: usize, all: &[PathUse], cut: usize, f: &mut Findings) {
    let file = &tree.files[a];
    let (c, mut line) = (&file.clean, 1);
    for i in 0..c.len() {
        line += usize::from(i > 0 && c[i - 1] == '\n');
        if line >= cut {
            break;
        }
        if !is_ident(c[i]) || (i > 0 && is_ident(c[i - 1])) {
            continue;
        }
        let (word, j) = ident_at(c, i);
        let bang = c.get(skip_ws(c, j)) == Some(&'!');
        let is = |list: &str| list.split_whitespace().any(|k| k == word);
        if is(APP_IDENTS) || bang && is(APP_MACROS) {
            f.add(
                R2,
                file,
                line,
                format!("names {word}{} in the library", if bang { "!" } else { "" }),
            );
        }
    }
    for p in all {
        let tail = APP_PATHS
            .iter()
            .any(|t| p.segs.windows(t.len()).any(|w| w == *t));
        let app = p.segs[0] == "crate"
            && p.segs
                .get(1)
                .is_some_and(|s| tree.app_dirs.contains(&s.as_str()));
        if tail || app {
            f.add(
                R2,
                file,
                p.line,
                format!("names {} in the library", p.segs.join("::")),
            );
        }
    }
}

/// Rule 1, and the file-level edges rule 4 looks for circles in.
fn imports(tree: &Tree, a: usize, all: &[PathUse], f: &mut Findings) {
    let (file, me) = (&tree.files[a], tree.layer(a));
    let mods = inline_mods(&file.clean);
    for p in all {
        let here = [&file.module[..], &mods[p.line.min(mods.len() - 1)]].concat();
        let Some(b) = tree.resolve(&p.segs, &here).filter(|&b| b != a) else {
            continue;
        };
        let them = tree.layer(b);
        if p.segs[0] == "super" && them.name != me.name {
            let what = format!(
                "climbs with super:: out of {} into {} (floor {}): name another layer by its crate:: path, and only a lower one",
                me.name, them.name, them.floor
            );
            f.add(R1, file, p.line, what);
        } else if me.part == Lib && above(me, them) {
            let (shown, (mf, tf)) = (p.segs.join("::"), (me.floor, them.floor));
            let what = format!(
                "names {shown} (floor {tf} {}) from floor {mf} {}",
                them.name, me.name
            );
            f.add(R1, file, p.line, what);
        }
        // a module's own children are its tree (declarations, re-exports), not imports
        let (from, to) = (&file.module, &tree.files[b].module);
        if !(to.len() == from.len() + 1 && to.starts_with(from)) {
            f.edges.entry((a, b)).or_insert(p.line);
        }
    }
}

/// Whether `them` is out of bounds for `me`: a higher floor, or a sibling on the same one.
fn above(me: &Layer, them: &Layer) -> bool {
    them.floor > me.floor || them.floor == me.floor && them.name != me.name
}

fn table() -> Table {
    if std::env::var_os("JOSE_ARCH_OLD").is_some() {
        Table {
            layers: OLD_LAYERS,
            stack: OLD_STACK,
        }
    } else {
        Table {
            layers: LAYERS,
            stack: STACK,
        }
    }
}

fn failure(f: &Findings, table: &Table) -> Option<String> {
    if f.offences.is_empty() {
        return None;
    }
    let mut msg = String::from(
        "the source breaks its layering; each line reads `file:line: the text — what is wrong`\n",
    );
    for (rule, list) in &f.offences {
        msg += &format!("\n{rule}\n");
        for o in list {
            msg += &format!("  {o}\n");
        }
    }
    msg += &format!(
        "\nlayers, bottom to top: {} (the table and its reasons: tests/architecture.rs)\n",
        table.stack
    );
    Some(msg)
}

#[test]
fn the_source_keeps_its_layers() {
    let src = std::env::var_os("JOSE_ARCH_SRC").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        PathBuf::from,
    );
    let table = table();
    let (files, f) = analyse(&src, &table);
    if std::env::var_os("JOSE_ARCH_REPORT").is_some() {
        println!("{}", report(&files, &f, &table));
    }
    if let Some(msg) = failure(&f, &table) {
        panic!("{msg}");
    }
}
