package embed

import (
	"cmp"
	"math"
	"slices"
)

// Barnes-Hut t-SNE (van der Maaten, 2014): the affinities P are kept for
// each point's 3·perplexity nearest neighbours only (sparse), and the
// repulsion of far groups of points is taken from their centre of mass in
// a quadtree, whenever a cell's width w and its distance r from the point
// satisfy w/r < θ. θ = 0 visits every point: the exact gradient for the
// sparse P.

// sparseP is a symmetric sparse matrix in compressed rows.
type sparseP struct {
	start []int     // row i's entries are [start[i], start[i+1])
	col   []int32   // their columns
	val   []float64 // their values
}

// sparseAffinities returns p_ij = (p_j|i + p_i|j)/2n with p_j|i calibrated
// to the perplexity over each point's k = ⌊3·perplexity⌋ nearest
// neighbours (by Euclidean distance, ties by index) and 0 elsewhere.
func sparseAffinities(rows []float32, n, d int, perp float64) *sparseP {
	k := min(n-1, int(3*perp))
	target := math.Log(perp)
	type entry struct {
		i, j int32
		v    float64
	}
	entries := make([]entry, 0, 2*n*k)
	all := make([]int32, n)
	d2 := make([]float64, n)
	nd2 := make([]float64, k)
	row := make([]float64, k)
	for i := range n {
		xi := rows[i*d : (i+1)*d]
		for j := range n {
			var s float64
			for c, v := range rows[j*d : (j+1)*d] {
				t := float64(v) - float64(xi[c])
				s += t * t
			}
			d2[j] = s
			all[j] = int32(j)
		}
		all = append(all[:i], all[i+1:]...) // every other point
		slices.SortFunc(all, func(a, b int32) int {
			if c := cmp.Compare(d2[a], d2[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		near := all[:k]
		for c, j := range near {
			nd2[c] = d2[j]
		}
		calibrate(row, nd2, -1, target)
		for c, j := range near {
			entries = append(entries, entry{int32(i), j, row[c]}, entry{j, int32(i), row[c]})
		}
		all = all[:n]
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	p := &sparseP{start: make([]int, n+1)}
	for e := 0; e < len(entries); {
		i, j, v := entries[e].i, entries[e].j, entries[e].v
		for e++; e < len(entries) && entries[e].i == i && entries[e].j == j; e++ {
			v += entries[e].v
		}
		p.col = append(p.col, j)
		p.val = append(p.val, v/float64(2*n))
		p.start[i+1] = len(p.col)
	}
	for i := 1; i <= n; i++ {
		p.start[i] = max(p.start[i], p.start[i-1])
	}
	return p
}

// maxDepth bounds the quadtree: points closer than its cells (2⁻⁵⁰ of
// the layout) share a leaf and are visited one by one.
const maxDepth = 50

// quadtree is a point quadtree over a 2-D layout, rebuilt every iteration.
type quadtree struct {
	nodes []qnode
	y     []float64
}

type qnode struct {
	cx, cy, half float64 // the cell's centre and half-width
	sx, sy       float64 // Σ of its points' coordinates
	count        int
	child        [4]int32 // −1: none
	points       []int32  // a leaf's points
	leaf         bool
}

// build makes the tree of the layout y (n × 2).
func (q *quadtree) build(y []float64, n int) {
	q.y = y
	q.nodes = q.nodes[:0]
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range n {
		minX, maxX = min(minX, y[2*i]), max(maxX, y[2*i])
		minY, maxY = min(minY, y[2*i+1]), max(maxY, y[2*i+1])
	}
	half := max(maxX-minX, maxY-minY)/2*(1+1e-9) + 1e-12
	q.nodes = append(q.nodes, qnode{cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, half: half, child: [4]int32{-1, -1, -1, -1}, leaf: true})
	for i := range n {
		q.insert(0, int32(i), 0)
	}
}

// insert adds point i below node at the given depth.
func (q *quadtree) insert(node int32, i int32, depth int) {
	px, py := q.y[2*i], q.y[2*i+1]
	for {
		nd := &q.nodes[node]
		nd.sx += px
		nd.sy += py
		nd.count++
		if nd.leaf {
			if len(nd.points) == 0 || depth >= maxDepth {
				nd.points = append(nd.points, i)
				return
			}
			// Split: move the leaf's point one level down.
			old := nd.points[0]
			nd.points, nd.leaf = nil, false
			q.place(node, old, depth)
		}
		node = q.childFor(node, px, py)
		depth++
	}
}

// place puts an existing point (already counted in node) into node's child.
func (q *quadtree) place(node, i int32, depth int) {
	c := q.childFor(node, q.y[2*i], q.y[2*i+1])
	q.insert(c, i, depth+1)
}

// childFor returns (making it when needed) node's child cell holding (x, y).
func (q *quadtree) childFor(node int32, x, y float64) int32 {
	nd := q.nodes[node]
	k := 0
	cx, cy, h := nd.cx-nd.half/2, nd.cy-nd.half/2, nd.half/2
	if x >= nd.cx {
		k, cx = k+1, nd.cx+h
	}
	if y >= nd.cy {
		k, cy = k+2, nd.cy+h
	}
	if c := nd.child[k]; c >= 0 {
		return c
	}
	q.nodes = append(q.nodes, qnode{cx: cx, cy: cy, half: h, child: [4]int32{-1, -1, -1, -1}, leaf: true})
	c := int32(len(q.nodes) - 1)
	q.nodes[node].child[k] = c
	return c
}

// repulsion returns, for point i, Σ_j num_ij²·(y_i − y_j) as (rx, ry) and
// Σ_j num_ij as z, over the other points j, with num_ij = 1/(1 + ‖y_i −
// y_j‖²); a cell whose width/distance < θ counts as its points all at
// their centre of mass. stack is scratch space, returned for reuse.
func (q *quadtree) repulsion(i int32, theta float64, stack []int32) (rx, ry, z float64, _ []int32) {
	px, py := q.y[2*i], q.y[2*i+1]
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nd := &q.nodes[node]
		if nd.count == 0 {
			continue
		}
		if nd.leaf {
			for _, j := range nd.points {
				if j == i {
					continue
				}
				dx, dy := px-q.y[2*j], py-q.y[2*j+1]
				num := 1 / (1 + dx*dx + dy*dy)
				z += num
				rx += num * num * dx
				ry += num * num * dy
			}
			continue
		}
		cnt := float64(nd.count)
		dx, dy := px-nd.sx/cnt, py-nd.sy/cnt
		d2 := dx*dx + dy*dy
		if w := 2 * nd.half; w*w < theta*theta*d2 {
			num := 1 / (1 + d2)
			z += cnt * num
			rx += cnt * num * num * dx
			ry += cnt * num * num * dy
			continue
		}
		for _, c := range nd.child {
			if c >= 0 {
				stack = append(stack, c)
			}
		}
	}
	return rx, ry, z, stack
}

// bhGradient sets grad to ∂KL/∂y for the sparse P multiplied by exag,
// with the repulsion approximated at θ.
func bhGradient(grad []float64, p *sparseP, y []float64, n int, exag, theta float64, tree *quadtree) {
	tree.build(y, n)
	rep := make([]float64, 2*n)
	var z float64
	var stack []int32
	for i := range n {
		var rx, ry, zi float64
		rx, ry, zi, stack = tree.repulsion(int32(i), theta, stack)
		rep[2*i], rep[2*i+1] = rx, ry
		z += zi
		var ax, ay float64
		yi0, yi1 := y[2*i], y[2*i+1]
		for e := p.start[i]; e < p.start[i+1]; e++ {
			j := p.col[e]
			d0, d1 := yi0-y[2*j], yi1-y[2*j+1]
			pa := exag * p.val[e] / (1 + d0*d0 + d1*d1)
			ax += pa * d0
			ay += pa * d1
		}
		grad[2*i], grad[2*i+1] = ax, ay
	}
	for i := range grad {
		grad[i] = 4 * (grad[i] - rep[i]/z)
	}
}
