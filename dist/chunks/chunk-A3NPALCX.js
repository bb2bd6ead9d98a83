import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as n}from"./chunk-7LB4CVWD.js";import{c as r}from"./chunk-NYRTOUVY.js";var i={};r(i,{definition:()=>n,run:()=>t});async function t(o){throw new Error(`${n.name} is not implemented yet`)}export{t as a,i as b};
