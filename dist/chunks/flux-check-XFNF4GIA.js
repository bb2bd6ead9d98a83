import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{t as c,z as f}from"./chunk-WA22ADBL.js";import"./chunk-HQTZRJQS.js";import"./chunk-IZWO7GCN.js";import"./chunk-VOR7QBT2.js";import"./chunk-3KB2X3Q4.js";import"./chunk-EEEC4TXW.js";import{resolve as d}from"node:path";var g=`golden-actions flux-check [<folder>] [--warn] [--json]

Checks the Flux wiring of a repository (default: the current folder), as verify-paths-filter does:
setter markers -> ImagePolicy -> ImageRepository, the tags in Git against their policies, HelmRelease
-> HelmRepository/OCIRepository, and every pattern and range Flux reads.

  --warn   report findings but exit 0
  --json   print the findings as one JSON array on stdout

Exit status: 0 no finding (or --warn), 1 findings, 2 bad usage.
`;async function p(r){if(r.includes("--help")||r.includes("-h"))return process.stdout.write(g),0;let s=r.filter(e=>e.startsWith("-")),i=r.filter(e=>!e.startsWith("-")),o=s.filter(e=>e!=="--warn"&&e!=="--json");if(o.length||i.length>1)return process.stderr.write(`error: ${o.length?`unknown flag ${o[0]}`:"give at most one folder"}

${g}`),2;let l=d(i[0]??"."),{flux:a,findings:t}=await f(l);for(let e of a.notes)process.stderr.write(`note: ${e}
`);for(let e of t)process.stderr.write(`${e.where.file}:${e.where.line}: ${c(e)}
`);s.includes("--json")&&process.stdout.write(`${JSON.stringify(t)}
`);let n=a.objects;return process.stderr.write(`flux-check: ${t.length} finding${t.length===1?"":"s"} in ${l} (${n.markers.length} setter markers, ${n.imagePolicies.length} ImagePolicies, ${n.helmReleases.length} HelmReleases, ${n.helmRepositories.length+n.ociRepositories.length} chart sources)
`),t.length>0&&!s.includes("--warn")?1:0}export{g as FLUX_CHECK_USAGE,p as fluxCheckCommand};
