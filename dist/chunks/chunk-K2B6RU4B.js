import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as r}from"./chunk-FOILMNRU.js";import{c as i}from"./chunk-NYRTOUVY.js";var o={};i(o,{definition:()=>r,run:()=>n});async function n(t){throw new Error("build-push-image: work in progress")}export{n as a,o as b};
