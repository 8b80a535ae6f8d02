//! The figures behind `JOSE_ARCH_REPORT=1`: size per layer, upward edges,
//! circles, the largest files and the longest functions.

use super::scan::functions;
use super::{File, Findings, Lib, Table, above};

pub fn report(files: &[File], f: &Findings, table: &Table) -> String {
    let mut out = String::from("architecture report\nlines per layer (non-blank / total):\n");
    for (k, l) in table.layers.iter().enumerate() {
        let of: Vec<&File> = files.iter().filter(|x| x.layer == k).collect();
        let total: usize = of.iter().map(|x| x.lines.len()).sum();
        let full: usize = of
            .iter()
            .map(|x| x.lines.iter().filter(|l| !l.trim().is_empty()).count())
            .sum();
        out += &format!(
            "  floor {} {:<8} {:>3} files {full:>6} / {total:>6}  ({})\n",
            l.floor,
            l.name,
            of.len(),
            l.homes.join(" ")
        );
    }
    let layer = |k: usize| &table.layers[files[k].layer];
    let upward: Vec<String> = f
        .edges
        .keys()
        .filter(|&&(a, b)| {
            let (me, them) = (layer(a), layer(b));
            me.part == Lib && above(me, them)
        })
        .map(|&(a, b)| format!("    src/{} → src/{}", files[a].rel, files[b].rel))
        .collect();
    out += &format!(
        "file-level import edges: {}, crossing layers upward: {}\n",
        f.edges.len(),
        upward.len()
    );
    for u in &upward {
        out += &format!("{u}\n");
    }
    out += &format!("circles: {}\n", f.circles.len());
    for c in &f.circles {
        let names: Vec<String> = c.iter().map(|&k| format!("src/{}", files[k].rel)).collect();
        out += &format!("    {}\n", names.join(" "));
    }
    let mut big: Vec<(usize, &str)> = files
        .iter()
        .map(|x| (x.lines.len(), x.rel.as_str()))
        .collect();
    big.sort_by(|a, b| b.cmp(a));
    out += "largest files (lines):\n";
    for (n, rel) in big.iter().take(10) {
        out += &format!("  {n:>5} src/{rel}\n");
    }
    let mut fns: Vec<(usize, String)> = files
        .iter()
        .flat_map(|x| functions(&x.rel, &x.clean))
        .collect();
    fns.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out += "longest functions (lines, approximate):\n";
    for (n, at) in fns.iter().take(10) {
        out += &format!("  {n:>5} {at}\n");
    }
    out
}
