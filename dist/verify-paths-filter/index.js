import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as o}from"../chunks/chunk-DD64H65H.js";import{a as i}from"../chunks/chunk-DX2OAQHI.js";import"../chunks/chunk-ESDFB4X4.js";import"../chunks/chunk-S6YJF57C.js";import"../chunks/chunk-NYRTOUVY.js";await i(o);
