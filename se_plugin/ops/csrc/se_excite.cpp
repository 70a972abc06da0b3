// SE's excitation on the CPU in one call, for grad-free float32 inference:
//   gate[n, c] = sigmoid(b2 + W2 relu(b1 + W1 mean_hw(x[n])))
// Eager PyTorch runs it as about six operators per block, and at batch 1
// each one's fixed cost in cold caches (tens of microseconds) is most of
// what SE costs; here it is one call.
#include <torch/extension.h>

#include <ATen/Parallel.h>

#include <cmath>
#include <vector>

namespace {

void check(const torch::Tensor& t, const char* name, int64_t dim) {
  TORCH_CHECK(t.device().is_cpu(), name, " must be on the CPU, got ",
              t.device());
  TORCH_CHECK(t.scalar_type() == torch::kFloat32, name,
              " must be float32, got ", t.scalar_type());
  TORCH_CHECK(t.is_contiguous(), name, " must be contiguous");
  TORCH_CHECK(t.dim() == dim, name, " must have ", dim, " dimensions, got ",
              t.dim());
}

}  // namespace

torch::Tensor excite(const torch::Tensor& x, const torch::Tensor& w1,
                     const torch::Tensor& b1, const torch::Tensor& w2,
                     const torch::Tensor& b2) {
  check(x, "x", 4);
  check(w1, "fc1.weight", 4);
  check(b1, "fc1.bias", 1);
  check(w2, "fc2.weight", 4);
  check(b2, "fc2.bias", 1);
  const int64_t N = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3);
  const int64_t R = w1.size(0);
  TORCH_CHECK(w1.size(1) == C && w1.size(2) == 1 && w1.size(3) == 1 &&
                  b1.size(0) == R && w2.size(0) == C && w2.size(1) == R &&
                  w2.size(2) == 1 && w2.size(3) == 1 && b2.size(0) == C,
              "SE weights do not match ", C, " input channels");
  TORCH_CHECK(HW > 0, "x has no spatial positions");
  auto out = torch::empty({N, C, 1, 1}, x.options());
  const float* xp = x.data_ptr<float>();
  const float* w1p = w1.data_ptr<float>();
  const float* b1p = b1.data_ptr<float>();
  const float* w2p = w2.data_ptr<float>();
  const float* b2p = b2.data_ptr<float>();
  float* op = out.data_ptr<float>();
  std::vector<float> s(N * C), h(R);
  const float scale = 1.0f / static_cast<float>(HW);
  // The squeeze reads the activation: split over samples x channels.
  at::parallel_for(0, N * C, 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float* row = xp + i * HW;
      float acc = 0.f;
#pragma omp simd reduction(+ : acc)
      for (int64_t k = 0; k < HW; ++k) acc += row[k];
      s[i] = acc * scale;
    }
  });
  for (int64_t n = 0; n < N; ++n) {
    const float* sn = s.data() + n * C;
    for (int64_t j = 0; j < R; ++j) {
      const float* row = w1p + j * C;
      float acc = 0.f;
#pragma omp simd reduction(+ : acc)
      for (int64_t c = 0; c < C; ++c) acc += row[c] * sn[c];
      acc += b1p[j];
      h[j] = acc > 0.f ? acc : 0.f;
    }
    for (int64_t c = 0; c < C; ++c) {
      const float* row = w2p + c * R;
      float acc = 0.f;
#pragma omp simd reduction(+ : acc)
      for (int64_t j = 0; j < R; ++j) acc += row[j] * h[j];
      op[n * C + c] = 1.f / (1.f + std::exp(-(acc + b2p[c])));
    }
  }
  return out;
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("excite", &excite,
        "SE excitation (mean, FC, ReLU, FC, sigmoid) of an N x C x H x W "
        "float32 CPU tensor: the N x C x 1 x 1 gate");
}
