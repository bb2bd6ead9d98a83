import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as o}from"../chunks/chunk-A3NPALCX.js";import{a as i}from"../chunks/chunk-IQS45XEC.js";import"../chunks/chunk-7LB4CVWD.js";import"../chunks/chunk-UV5CIS3G.js";import"../chunks/chunk-FSBVKFNO.js";import"../chunks/chunk-7RFRVIFE.js";import"../chunks/chunk-NYRTOUVY.js";await i(o);
