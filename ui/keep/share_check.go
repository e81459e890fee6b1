package keep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// "Check on 100 test images": the model's predicted digits on the first
// 100 test images, so a model opened from a link can be compared with the
// original one digit by digit (and, through a CRC-32 of the
// probabilities, bit for bit).

// CheckCount is how many test images the check predicts.
const CheckCount = 100

// CheckTest asks the worker for its predictions on the first test images.
func (s *Share) CheckTest() {
	if s.Blocked() != "" {
		return
	}
	s.checkID = s.p.S.NewID()
	s.Check = nil
	s.p.S.Send(protocol.TestPredict{ID: s.checkID, Count: CheckCount})
}

// CheckText says how the model did: "97 of the first 100 test images
// right: 7 2 1 0 4 …".
func (s *Share) CheckText() string {
	c := s.Check
	if c == nil {
		return ""
	}
	digits := make([]string, min(len(c.Predicted), 20))
	for i := range digits {
		digits[i] = strconv.Itoa(c.Predicted[i])
	}
	return fmt.Sprintf("%d of the first %d test images right; it predicts %s … (probabilities' CRC-32 %08x)",
		c.Right, len(c.Predicted), strings.Join(digits, " "), c.ProbsCRC)
}

// CheckDigits, CheckCRC and CheckRight are the check for data attributes:
// the predicted digits, comma-separated.
func (s *Share) CheckDigits() string {
	if s.Check == nil {
		return ""
	}
	parts := make([]string, len(s.Check.Predicted))
	for i, d := range s.Check.Predicted {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

// CheckCRC is the probabilities' CRC-32 in hex.
func (s *Share) CheckCRC() string {
	if s.Check == nil {
		return ""
	}
	return fmt.Sprintf("%08x", s.Check.ProbsCRC)
}

// CheckRight is how many of the images the model got right.
func (s *Share) CheckRight() string {
	if s.Check == nil {
		return ""
	}
	return strconv.Itoa(s.Check.Right)
}
