"""A self-contained interactive HTML picture of a subgraph: one file, no network access.

The page carries the graph as inline JSON and a small force layout drawn on a <canvas>
(written here, no CDN): nodes coloured by label with their names, relationship types on the
edges, drag a node to move it, drag the background to pan, wheel to zoom, click a node to see
all its properties, a search box to highlight names.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.export.styles import label_colours, main_label, node_caption, node_colour

if TYPE_CHECKING:
    import networkx as nx


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def graph_payload(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The nodes, edges and legend the page draws."""
    index = {n: i for i, n in enumerate(graph.nodes)}
    nodes = [{"id": str(n), "caption": node_caption(n, a), "group": main_label(a.get("labels")),
              "colour": node_colour(a.get("labels")),
              "props": {k: v for k, v in a.items() if v is not None}}
             for n, a in graph.nodes(data=True)]
    edges = [{"s": index[u], "t": index[v], "type": a.get("type", str(k)),
              "props": {x: y for x, y in a.items() if x != "type" and y is not None}}
             for u, v, k, a in graph.edges(keys=True, data=True)]
    used = {n["group"] for n in nodes}
    legend = [{"label": lb, "colour": c} for lb, c in label_colours().items() if lb in used]
    return {"nodes": nodes, "edges": edges, "legend": legend}


def render_html(graph: nx.MultiDiGraph, title: str = "kglink subgraph") -> str:
    """The whole page as text."""
    return (_PAGE.replace("__TITLE__", html.escape(title))
            .replace("__DATA__", _json_for_script(graph_payload(graph))))


def write_html(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """The page (``render_html``) written to ``path``."""
    path.write_text(render_html(graph, title=title), encoding="utf-8")
    return [path]


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
html,body{margin:0;height:100%;font:13px/1.4 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;background:#fbfbfd;color:#222}
#bar{position:absolute;top:0;left:0;right:0;height:38px;display:flex;align-items:center;gap:14px;padding:0 12px;background:#fff;border-bottom:1px solid #ddd;z-index:2}
#bar h1{font-size:14px;margin:0;font-weight:600}
#legend span{display:inline-flex;align-items:center;margin-right:10px}
#legend i{width:11px;height:11px;border-radius:50%;display:inline-block;margin-right:4px}
#search{margin-left:auto;padding:3px 6px;border:1px solid #ccc;border-radius:4px}
#view{position:absolute;top:39px;left:0;right:0;bottom:0}
canvas{display:block;width:100%;height:100%;cursor:grab}
#info{position:absolute;right:10px;top:48px;width:300px;max-height:75%;overflow:auto;background:#fff;border:1px solid #ccc;border-radius:6px;padding:8px 10px;display:none;box-shadow:0 2px 8px rgba(0,0,0,.12);z-index:3}
#info table{border-collapse:collapse;width:100%}
#info td{border-top:1px solid #eee;padding:2px 4px;vertical-align:top;word-break:break-all}
#info td:first-child{color:#666;white-space:nowrap}
#count{color:#666}
</style></head><body>
<div id="bar"><h1>__TITLE__</h1><span id="count"></span><span id="legend"></span>
<input id="search" placeholder="search name / id"></div>
<div id="view"><canvas id="c"></canvas></div><div id="info"></div>
<script id="graph-data" type="application/json">__DATA__</script>
<script>
(function(){
"use strict";
var G=JSON.parse(document.getElementById("graph-data").textContent);
var N=G.nodes, E=G.edges, canvas=document.getElementById("c"), ctx=canvas.getContext("2d");
var info=document.getElementById("info"), W=0, H=0, dpr=window.devicePixelRatio||1;
var view={x:0,y:0,k:1}, selected=-1, match="";
document.getElementById("count").textContent=N.length+" nodes, "+E.length+" relationships";
document.getElementById("legend").innerHTML=G.legend.map(function(l){
  return '<span><i style="background:'+l.colour+'"></i>'+l.label+'</span>';}).join("");
var deg=N.map(function(){return 0;});
E.forEach(function(e){deg[e.s]++;deg[e.t]++;});
N.forEach(function(n,i){var a=i*2.39996, r=12*Math.sqrt(i+1);
  n.x=r*Math.cos(a); n.y=r*Math.sin(a); n.vx=0; n.vy=0; n.r=6+Math.min(10,Math.sqrt(deg[i])*2);});
function step(alpha){
  var i,j,a,b,dx,dy,d2,f,n=N.length;
  for(i=0;i<n;i++){a=N[i];
    for(j=i+1;j<n;j++){b=N[j]; dx=b.x-a.x; dy=b.y-a.y; d2=dx*dx+dy*dy+0.01;
      if(d2>250000) continue; f=900*alpha/d2; a.vx-=dx*f; a.vy-=dy*f; b.vx+=dx*f; b.vy+=dy*f;}}
  E.forEach(function(e){a=N[e.s]; b=N[e.t]; dx=b.x-a.x; dy=b.y-a.y;
    var d=Math.sqrt(dx*dx+dy*dy)||1, k=(d-70)*0.08*alpha/d;
    a.vx+=dx*k; a.vy+=dy*k; b.vx-=dx*k; b.vy-=dy*k;});
  N.forEach(function(p){ if(p.fixed){p.vx=p.vy=0;return;}
    p.vx-=p.x*0.004*alpha; p.vy-=p.y*0.004*alpha;
    p.vx*=0.6; p.vy*=0.6; p.x+=p.vx; p.y+=p.vy;});
}
var iters=N.length>1500?60:300;
for(var it=0;it<iters;it++) step(1-it/iters*0.8);
function fit(){
  if(!N.length) return;
  var x0=1e9,x1=-1e9,y0=1e9,y1=-1e9;
  N.forEach(function(p){x0=Math.min(x0,p.x);x1=Math.max(x1,p.x);y0=Math.min(y0,p.y);y1=Math.max(y1,p.y);});
  var k=Math.min(W/(x1-x0+120),H/(y1-y0+120),2.5);
  view.k=k; view.x=W/2-k*(x0+x1)/2; view.y=H/2-k*(y0+y1)/2;
}
function resize(){
  var r=canvas.getBoundingClientRect(); W=r.width||window.innerWidth; H=r.height||(window.innerHeight-39);
  canvas.width=W*dpr; canvas.height=H*dpr;
}
function draw(){
  ctx.setTransform(dpr,0,0,dpr,0,0); ctx.clearRect(0,0,W,H);
  ctx.save(); ctx.translate(view.x,view.y); ctx.scale(view.k,view.k);
  var showEdgeText=E.length<400||view.k>1.2;
  ctx.lineWidth=1.2/view.k; ctx.font=(10/Math.max(view.k,0.6))+"px sans-serif";
  E.forEach(function(e){var a=N[e.s], b=N[e.t], hot=(selected===e.s||selected===e.t);
    ctx.strokeStyle=hot?"#333":"rgba(90,90,110,0.55)";
    var dx=b.x-a.x, dy=b.y-a.y, d=Math.sqrt(dx*dx+dy*dy)||1, ux=dx/d, uy=dy/d;
    var ex=b.x-ux*b.r, ey=b.y-uy*b.r;
    ctx.beginPath(); ctx.moveTo(a.x,a.y); ctx.lineTo(ex,ey); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(ex,ey); ctx.lineTo(ex-ux*7-uy*3.5,ey-uy*7+ux*3.5);
    ctx.lineTo(ex-ux*7+uy*3.5,ey-uy*7-ux*3.5); ctx.closePath(); ctx.fillStyle=ctx.strokeStyle; ctx.fill();
    if(showEdgeText||hot){ctx.fillStyle=hot?"#222":"#777"; ctx.textAlign="center";
      ctx.fillText(e.type,(a.x+b.x)/2,(a.y+b.y)/2-2);}});
  ctx.textAlign="left";
  N.forEach(function(p,i){
    var hit=match&&(p.caption.toLowerCase().indexOf(match)>=0||p.id.toLowerCase().indexOf(match)>=0);
    ctx.beginPath(); ctx.arc(p.x,p.y,p.r,0,2*Math.PI); ctx.fillStyle=p.colour; ctx.fill();
    ctx.lineWidth=(i===selected||hit?3:1)/view.k; ctx.strokeStyle=hit?"#d00":(i===selected?"#000":"#fff"); ctx.stroke();
    ctx.fillStyle="#222"; ctx.font=((i===selected?13:11)/Math.max(view.k,0.6))+"px sans-serif";
    ctx.fillText(p.caption,p.x+p.r+2,p.y+4);});
  ctx.restore();
}
function nodeAt(mx,my){var x=(mx-view.x)/view.k, y=(my-view.y)/view.k;
  for(var i=N.length-1;i>=0;i--){var p=N[i], dx=p.x-x, dy=p.y-y; if(dx*dx+dy*dy<=(p.r+3)*(p.r+3)) return i;}
  return -1;}
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c];});}
function show(i){ if(i<0){info.style.display="none";return;}
  var p=N[i], rows=Object.keys(p.props).sort().map(function(k){var v=p.props[k];
    return "<tr><td>"+esc(k)+"</td><td>"+esc(typeof v==="object"?JSON.stringify(v):v)+"</td></tr>";});
  var rels=E.filter(function(e){return e.s===i||e.t===i;}).map(function(e){
    var out=e.s===i; return "<tr><td>"+(out?"&rarr; ":"&larr; ")+esc(e.type)+"</td><td>"+esc(N[out?e.t:e.s].caption)+
      (Object.keys(e.props).length?" "+esc(JSON.stringify(e.props)):"")+"</td></tr>";});
  info.innerHTML="<b>"+esc(p.caption)+"</b> <small>"+esc(p.group)+"</small><table>"+rows.join("")+rels.join("")+"</table>";
  info.style.display="block";}
var drag=null, last=null, moved=false;
canvas.addEventListener("mousedown",function(ev){var i=nodeAt(ev.offsetX,ev.offsetY); moved=false;
  drag=i>=0?{node:i}:{pan:true}; last=[ev.offsetX,ev.offsetY]; if(i>=0) N[i].fixed=true;});
window.addEventListener("mousemove",function(ev){ if(!drag) return; moved=true;
  var r=canvas.getBoundingClientRect(), mx=ev.clientX-r.left, my=ev.clientY-r.top;
  if(drag.pan){view.x+=mx-last[0]; view.y+=my-last[1];}
  else {var p=N[drag.node]; p.x=(mx-view.x)/view.k; p.y=(my-view.y)/view.k; settle(40);}
  last=[mx,my]; draw();});
window.addEventListener("mouseup",function(ev){ if(drag&&!moved){selected=drag.node===undefined?-1:drag.node; show(selected); draw();}
  drag=null;});
canvas.addEventListener("wheel",function(ev){ev.preventDefault();
  var f=Math.exp(-ev.deltaY*0.0015), mx=ev.offsetX, my=ev.offsetY;
  view.x=mx-(mx-view.x)*f; view.y=my-(my-view.y)*f; view.k*=f; draw();},{passive:false});
document.getElementById("search").addEventListener("input",function(ev){match=ev.target.value.trim().toLowerCase(); draw();});
var pending=0;
function settle(n){pending=Math.max(pending,n);}
function tick(){ if(pending>0){step(0.3); pending--; draw();} window.requestAnimationFrame(tick);}
window.addEventListener("resize",function(){resize(); draw();});
resize(); fit(); draw(); window.requestAnimationFrame(tick);
document.body.setAttribute("data-rendered", String(N.length));
})();
</script></body></html>
"""
