import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
var r=["warn","fail","off"];function s(t){let i=new Set;return t.filter(e=>{let n=`${e.kind}|${e.where.file}:${e.where.line}`;return i.has(n)?!1:(i.add(n),!0)})}export{r as a,s as b};
