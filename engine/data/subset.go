package data

import (
	"fmt"
	"strings"
)

// Subset returns the examples of s whose class is one of classes, in
// their order in s, relabelled by the class's position in classes:
// Subset([]int{5, 6, 7, 8, 9}) gives the digits 5–9 as labels 0–4, a
// 5-class set for fine-tuning (spec.Model.Classes describes the same
// choice). The examples are copied, in the form s holds them. classes must be distinct classes of s.
func (s *Set) Subset(classes []int) (*Set, error) {
	if s.Regression() {
		return nil, fmt.Errorf("%s is a regression; it has no classes to choose", s.Name)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("%s: choose at least one class for a subset", s.Name)
	}
	label := make([]int, s.Classes) // class → new label + 1; 0 means left out
	for i, c := range classes {
		if c < 0 || c >= s.Classes {
			return nil, fmt.Errorf("%s has classes 0 to %d; %d is not one of them", s.Name, s.Classes-1, c)
		}
		if label[c] != 0 {
			return nil, fmt.Errorf("%s: class %d is chosen twice", s.Name, c)
		}
		label[c] = i + 1
	}
	size := s.Size()
	out := &Set{Shape: s.Shape, Classes: len(classes), Name: s.Name + subsetName(classes), Image: s.Image, Levels: s.Levels}
	if s.ClassNames != nil {
		for _, c := range classes {
			out.ClassNames = append(out.ClassNames, s.ClassNames[c])
		}
	}
	for i, c := range s.Labels {
		if label[c] == 0 {
			continue
		}
		if s.Pixels != nil {
			out.Pixels = append(out.Pixels, s.Pixels[i*size:(i+1)*size]...)
		} else {
			out.X = append(out.X, s.X[i*size:(i+1)*size]...)
		}
		out.Labels = append(out.Labels, label[c]-1)
	}
	return out, nil
}

// subsetName is a subset's name suffix: "[5 6 7 8 9]".
func subsetName(classes []int) string {
	parts := make([]string, len(classes))
	for i, c := range classes {
		parts[i] = fmt.Sprint(c)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
