import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as i}from"../chunks/chunk-DX2OAQHI.js";import"../chunks/chunk-S6YJF57C.js";import{b as o}from"../chunks/chunk-YBKCXPST.js";import"../chunks/chunk-GJNUDJYX.js";import"../chunks/chunk-G3NPE4Z4.js";import"../chunks/chunk-NYRTOUVY.js";await i(o);
