import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as i}from"./chunk-FEMRT3JB.js";var n={default:"deploy/**/*.yaml",multiline:!0};function s(t){return i(t,n.multiline)}var a=s(n.default),u="[skip ci]";function o(t){let r=`GitOps-Bump: ${t.image}:${t.tag}`;if(t.custom?.trim()){let e=t.custom.trim();return e.includes("GitOps-Bump:")?`${e}
`:`${e}

${r}
`}return`${`chore(deploy): update ${t.image} to ${t.tag}${t.skipCi?` ${u}`:""}`}

${r}
`}export{n as a,s as b,a as c,o as d};
