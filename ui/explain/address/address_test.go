package address

import "testing"

func TestParse(t *testing.T) {
	for hash, want := range map[string]Query{
		"#/explain":           {Index: -1},
		"#/explain&index=42":  {Index: 42},
		"#/explain&cell=3,8":  {Index: -1, Cell: true, True: 3, Predicted: 8},
		"#/explain&cell=3,x":  {Index: -1},
		"#/explain&cell=3,10": {Index: -1},
		"#/explain&index=-2":  {Index: -1},
		"#/build&index=4":     {Index: -1},
		Cell(1, 7):            {Index: -1, Cell: true, True: 1, Predicted: 7},
		Index(9):              {Index: 9},
		Pad:                   {Index: -1, Pad: true},
	} {
		if got := Parse(hash); got != want {
			t.Errorf("Parse(%q) = %+v, want %+v", hash, got, want)
		}
	}
}
